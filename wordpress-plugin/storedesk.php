<?php
/**
 * Plugin Name:       Storedesk
 * Description:       The Storedesk support chat on your shop: the widget on the pages you choose, shoppers who are signed in recognised without typing their email, and your WooCommerce store connected to Storedesk in one click.
 * Version:           0.1.0
 * Requires at least: 6.5
 * Requires PHP:      7.4
 * Author:            Storedesk
 * License:           MIT
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       storedesk
 * Domain Path:       /languages
 * WC requires at least: 8.0
 *
 * @package Storedesk
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'STOREDESK_VERSION', '0.1.0' );
define( 'STOREDESK_FILE', __FILE__ );

require_once __DIR__ . '/includes/options.php';
require_once __DIR__ . '/includes/identity.php';
require_once __DIR__ . '/includes/embed.php';
require_once __DIR__ . '/includes/connect.php';

if ( is_admin() ) {
	require_once __DIR__ . '/includes/settings.php';
}

/**
 * Loads the plugin's translations.
 */
function storedesk_load_textdomain() {
	load_plugin_textdomain( 'storedesk', false, dirname( plugin_basename( STOREDESK_FILE ) ) . '/languages' );
}
add_action( 'init', 'storedesk_load_textdomain' );
