<?php
/**
 * The plugin's options: one array of settings, and the widget secret kept apart (never
 * autoloaded, never printed back, never sent to the browser).
 *
 * @package Storedesk
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const STOREDESK_OPTION = 'storedesk_settings';
const STOREDESK_SECRET_OPTION = 'storedesk_widget_secret';
const STOREDESK_PAGE_MODES = array( 'all', 'woocommerce', 'selected' );

/**
 * The settings with their defaults filled in.
 *
 * @return array{enabled: bool, relay_url: string, widget_key: string, pages: string, page_ids: int[]}
 */
function storedesk_defaults() {
	return array(
		'enabled'    => false,
		'relay_url'  => '',
		'widget_key' => '',
		'pages'      => 'all',
		'page_ids'   => array(),
	);
}

/**
 * The saved settings, always with every key of storedesk_defaults() and nothing else.
 *
 * @return array{enabled: bool, relay_url: string, widget_key: string, pages: string, page_ids: int[]}
 */
function storedesk_settings() {
	$saved = get_option( STOREDESK_OPTION, array() );
	if ( ! is_array( $saved ) ) {
		$saved = array();
	}
	return array_merge( storedesk_defaults(), array_intersect_key( $saved, storedesk_defaults() ) );
}

/**
 * The widget secret, or '' when none is saved.
 *
 * @return string
 */
function storedesk_secret() {
	$secret = get_option( STOREDESK_SECRET_OPTION, '' );
	return is_string( $secret ) ? $secret : '';
}

/**
 * A relay address as saved: http(s) only, no query or fragment, no trailing slash; '' if not valid.
 *
 * @param mixed $value What the merchant typed.
 * @return string
 */
function storedesk_clean_relay_url( $value ) {
	$url = esc_url_raw( trim( (string) $value ), array( 'http', 'https' ) );
	$parts = wp_parse_url( $url );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
		return '';
	}
	return untrailingslashit( $url );
}

/**
 * A widget key as saved (wk_ followed by letters, digits, - and _); '' if not valid.
 *
 * @param mixed $value What the merchant typed.
 * @return string
 */
function storedesk_clean_widget_key( $value ) {
	$key = trim( (string) $value );
	return preg_match( '/^wk_[A-Za-z0-9_-]{4,64}$/', $key ) ? $key : '';
}

/**
 * The settings' sanitize_callback: keeps only known keys, each cleaned.
 *
 * @param mixed $input The submitted settings.
 * @return array
 */
function storedesk_sanitize_settings( $input ) {
	$input = is_array( $input ) ? $input : array();
	$clean = storedesk_defaults();

	$clean['enabled'] = ! empty( $input['enabled'] );
	$clean['relay_url'] = storedesk_clean_relay_url( $input['relay_url'] ?? '' );
	$clean['widget_key'] = storedesk_clean_widget_key( $input['widget_key'] ?? '' );
	$pages = sanitize_key( $input['pages'] ?? 'all' );
	$clean['pages'] = in_array( $pages, STOREDESK_PAGE_MODES, true ) ? $pages : 'all';
	$ids = isset( $input['page_ids'] ) && is_array( $input['page_ids'] ) ? $input['page_ids'] : array();
	$clean['page_ids'] = array_values( array_unique( array_filter( array_map( 'absint', $ids ) ) ) );

	if ( '' !== trim( (string) ( $input['relay_url'] ?? '' ) ) && '' === $clean['relay_url'] ) {
		storedesk_settings_error( 'relay_url', __( 'The relay address must start with https:// (or http:// for a test relay) and have no query; it was not saved.', 'storedesk' ) );
	}
	if ( '' !== trim( (string) ( $input['widget_key'] ?? '' ) ) && '' === $clean['widget_key'] ) {
		storedesk_settings_error( 'widget_key', __( 'The widget key starts with wk_ (the console shows it on the Widgets screen); it was not saved.', 'storedesk' ) );
	}
	return $clean;
}

/**
 * The secret's sanitize_callback: an empty field keeps the saved secret, the "forget" box
 * removes it, anything else must look like a secret the console printed.
 *
 * @param mixed $input The submitted secret.
 * @return string
 */
function storedesk_sanitize_secret( $input ) {
	$current = storedesk_secret();
	// The settings form's nonce was checked by options.php before this callback runs.
	// phpcs:ignore WordPress.Security.NonceVerification.Missing
	if ( ! empty( $_POST['storedesk_forget_secret'] ) ) {
		return '';
	}
	$secret = trim( (string) $input );
	if ( '' === $secret ) {
		return $current;
	}
	if ( ! preg_match( '/^[A-Za-z0-9_-]{16,128}$/', $secret ) ) {
		storedesk_settings_error( 'widget_secret', __( 'The widget secret is the text `storedesk widget secret WIDGET` printed (letters, digits, - and _); the saved one was kept.', 'storedesk' ) );
		return $current;
	}
	return $secret;
}

/**
 * Reports a settings error on the settings page (when the Settings API is loaded).
 *
 * @param string $code    Which field.
 * @param string $message One sentence saying what to do.
 */
function storedesk_settings_error( $code, $message ) {
	if ( function_exists( 'add_settings_error' ) ) {
		add_settings_error( STOREDESK_OPTION, 'storedesk_' . $code, $message );
	}
}
