<?php
/**
 * "Connect with Storedesk": sends the merchant to this shop's WooCommerce key approval
 * (/wc-auth/v1/authorize) for the connection the Storedesk console started, so the keys go
 * straight to the relay (callback_url) and the console picks them up there.
 *
 * The console (Connect with WooCommerce in its WooCommerce wizard, or `storedesk store connect
 * woocommerce`) shows the connection link; the merchant pastes it here. The link is checked against this
 * site and the saved relay, and rebuilt from its known parameters only.
 *
 * @package Storedesk
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const STOREDESK_CONNECT_ACTION = 'storedesk_connect';

/**
 * The wc-auth address on this site for a pasted connection link, or a WP_Error saying what
 * is wrong with it.
 *
 * @param string $link      The link the console showed.
 * @param string $relay_url The saved relay address.
 * @param string $home      This site's home address.
 * @return string|WP_Error
 */
function storedesk_connect_url( $link, $relay_url, $home ) {
	if ( '' === $relay_url ) {
		return new WP_Error( 'no_relay', __( 'Save the relay address first.', 'storedesk' ) );
	}
	$parts = wp_parse_url( trim( $link ) );
	$site = wp_parse_url( $home );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || empty( $parts['path'] ) || empty( $parts['query'] ) ) {
		return new WP_Error( 'bad_link', __( 'Paste the whole connection link the Storedesk console shows.', 'storedesk' ) );
	}
	if ( ! is_array( $site ) || strtolower( $parts['host'] ) !== strtolower( (string) ( $site['host'] ?? '' ) )
		|| ! str_ends_with( untrailingslashit( $parts['path'] ), '/wc-auth/v1/authorize' ) ) {
		return new WP_Error( 'other_site', __( 'This connection link is for another shop: start the connection in the console with this site\'s address.', 'storedesk' ) );
	}
	wp_parse_str( $parts['query'], $query );
	$callback = (string) ( $query['callback_url'] ?? '' );
	$prefix = $relay_url . '/v1/connect/woocommerce/';
	if ( ! str_starts_with( $callback, $prefix ) || ! preg_match( '#^[A-Za-z0-9_-]{16,128}$#', substr( $callback, strlen( $prefix ) ) )
		|| ( $query['return_url'] ?? '' ) !== $relay_url . '/v1/connect/done' ) {
		return new WP_Error( 'other_relay', __( 'This connection link sends the keys to another relay than the one saved here: check the relay address.', 'storedesk' ) );
	}
	$scope = (string) ( $query['scope'] ?? '' );
	$user_id = (string) ( $query['user_id'] ?? '' );
	if ( ! in_array( $scope, array( 'read', 'read_write' ), true ) || ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $user_id ) ) {
		return new WP_Error( 'bad_link', __( 'Paste the whole connection link the Storedesk console shows.', 'storedesk' ) );
	}
	$params = array(
		'app_name'     => 'Storedesk',
		'scope'        => $scope,
		'user_id'      => $user_id,
		'return_url'   => $query['return_url'],
		'callback_url' => $callback,
	);
	return untrailingslashit( $home ) . '/wc-auth/v1/authorize?' . http_build_query( $params, '', '&', PHP_QUERY_RFC3986 );
}

/**
 * The settings page's address, with a notice code for the next page load.
 *
 * @param string $notice A key of storedesk_connect_notices().
 * @return string
 */
function storedesk_settings_url( $notice = '' ) {
	$url = admin_url( 'options-general.php?page=storedesk' );
	return '' === $notice ? $url : add_query_arg( 'storedesk_notice', $notice, $url );
}

/**
 * What each notice code says.
 *
 * @return array<string, string>
 */
function storedesk_connect_notices() {
	return array(
		'no_woocommerce' => __( 'WooCommerce is not active on this site: activate it, then connect.', 'storedesk' ),
		'no_relay'       => __( 'Save the relay address first.', 'storedesk' ),
		'bad_link'       => __( 'Paste the whole connection link the Storedesk console shows.', 'storedesk' ),
		'other_site'     => __( 'This connection link is for another shop: start the connection in the console with this site\'s address.', 'storedesk' ),
		'other_relay'    => __( 'This connection link sends the keys to another relay than the one saved here: check the relay address.', 'storedesk' ),
	);
}

/**
 * Handles the Connect form: capability, nonce, then off to WooCommerce's approval page.
 */
function storedesk_handle_connect() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You are not allowed to connect this shop to Storedesk.', 'storedesk' ), 403 );
	}
	check_admin_referer( STOREDESK_CONNECT_ACTION );
	if ( ! class_exists( 'WooCommerce' ) ) {
		wp_safe_redirect( storedesk_settings_url( 'no_woocommerce' ) );
		exit;
	}
	$link = isset( $_POST['storedesk_connect_link'] ) ? esc_url_raw( wp_unslash( $_POST['storedesk_connect_link'] ) ) : '';
	$target = storedesk_connect_url( $link, storedesk_settings()['relay_url'], home_url() );
	if ( is_wp_error( $target ) ) {
		wp_safe_redirect( storedesk_settings_url( $target->get_error_code() ) );
		exit;
	}
	wp_safe_redirect( $target );
	exit;
}
add_action( 'admin_post_' . STOREDESK_CONNECT_ACTION, 'storedesk_handle_connect' );
