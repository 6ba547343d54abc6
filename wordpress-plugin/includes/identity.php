<?php
/**
 * The signed identity of a signed-in shopper, as the Storedesk relay checks it:
 * hex HMAC-SHA256, with the widget secret, of "email:name:ts" (email trimmed and in lower
 * case, name trimmed, ts in Unix seconds), or of "email:ts" when there is no name.
 *
 * @package Storedesk
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The text that is signed.
 *
 * @param string $email The shopper's email.
 * @param string $name  The name shown to the merchant and the bot ('' for none).
 * @param int    $ts    Unix seconds.
 * @return string
 */
function storedesk_signed_text( $email, $name, $ts ) {
	$email = strtolower( trim( $email ) );
	$name = trim( $name );
	if ( '' === $name ) {
		return $email . ':' . $ts;
	}
	return $email . ':' . $name . ':' . $ts;
}

/**
 * The data-customer-* attributes for a shopper, or an empty array when they cannot be signed
 * (no secret, no usable email).
 *
 * @param string $secret The widget secret.
 * @param string $email  The shopper's email.
 * @param string $name   Their name ('' for none).
 * @param int    $ts     Unix seconds.
 * @return array<string, string>
 */
function storedesk_identity_attributes( $secret, $email, $name, $ts ) {
	$email = strtolower( trim( (string) $email ) );
	$name = trim( (string) $name );
	if ( '' === $secret || ! is_email( $email ) || false !== strpos( $email, ':' ) ) {
		return array();
	}
	$attributes = array( 'data-customer-email' => $email );
	if ( '' !== $name ) {
		$attributes['data-customer-name'] = $name;
	}
	$attributes['data-customer-ts'] = (string) $ts;
	$attributes['data-customer-signature'] = hash_hmac( 'sha256', storedesk_signed_text( $email, $name, $ts ), $secret );
	return $attributes;
}

/**
 * The signed identity of the user signed in to this site, or an empty array for a guest.
 *
 * @return array<string, string>
 */
function storedesk_current_identity() {
	$user = wp_get_current_user();
	if ( ! $user->exists() ) {
		return array();
	}
	return storedesk_identity_attributes( storedesk_secret(), $user->user_email, storedesk_shopper_name( $user ), time() );
}

/**
 * The name a shopper goes by: first and last name, else the display name.
 *
 * @param WP_User $user The signed-in user.
 * @return string
 */
function storedesk_shopper_name( $user ) {
	$full = trim( $user->first_name . ' ' . $user->last_name );
	return '' !== $full ? $full : (string) $user->display_name;
}
