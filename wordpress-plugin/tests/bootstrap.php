<?php
/**
 * PHPUnit bootstrap: loads the real WordPress the Python tests installed (STOREDESK_WP_ROOT),
 * then the plugin from this checkout.
 *
 * @package Storedesk
 */

$storedesk_root = getenv( 'STOREDESK_WP_ROOT' );
if ( ! $storedesk_root || ! is_file( $storedesk_root . '/wp-load.php' ) ) {
	fwrite( STDERR, "Set STOREDESK_WP_ROOT to an installed WordPress (tests/plugin does).\n" );
	exit( 1 );
}
require $storedesk_root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/template.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
require_once dirname( __DIR__ ) . '/storedesk.php';
require_once dirname( __DIR__ ) . '/includes/settings.php';
