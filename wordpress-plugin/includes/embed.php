<?php
/**
 * Puts the widget on the shop's pages: the relay's /widget.js, enqueued (async, in the
 * footer), with data-widget and, for a signed-in shopper, the data-customer-* attributes
 * added to its tag. No inline script.
 *
 * @package Storedesk
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const STOREDESK_HANDLE = 'storedesk-widget';

/**
 * Whether the widget belongs on the page being shown.
 *
 * @param array $settings The plugin's settings.
 * @return bool
 */
function storedesk_should_show( $settings ) {
	if ( ! $settings['enabled'] || '' === $settings['relay_url'] || '' === $settings['widget_key'] ) {
		return false;
	}
	if ( 'woocommerce' === $settings['pages'] ) {
		return storedesk_is_shop_page();
	}
	if ( 'selected' === $settings['pages'] ) {
		return is_singular() && in_array( get_queried_object_id(), $settings['page_ids'], true );
	}
	return true;
}

/**
 * Whether this is one of WooCommerce's pages (shop, product, cart, checkout, account).
 *
 * @return bool
 */
function storedesk_is_shop_page() {
	if ( ! function_exists( 'is_woocommerce' ) ) {
		return false;
	}
	return is_woocommerce() || is_cart() || is_checkout() || is_account_page();
}

/**
 * Enqueues /widget.js from the relay when the widget belongs on this page.
 */
function storedesk_enqueue_widget() {
	$settings = storedesk_settings();
	if ( ! storedesk_should_show( $settings ) ) {
		return;
	}
	wp_enqueue_script(
		STOREDESK_HANDLE,
		$settings['relay_url'] . '/widget.js',
		array(),
		null, // The relay versions the widget itself; a ?ver= would only defeat its cache.
		array(
			'in_footer' => true,
			'strategy'  => 'async',
		)
	);
}
add_action( 'wp_enqueue_scripts', 'storedesk_enqueue_widget' );

/**
 * The attributes the widget's tag carries besides src: the widget key, and the signed
 * identity of a signed-in shopper.
 *
 * @return array<string, string>
 */
function storedesk_widget_attributes() {
	$settings = storedesk_settings();
	return array_merge( array( 'data-widget' => $settings['widget_key'] ), storedesk_current_identity() );
}

/**
 * Adds the widget's data-* attributes to its script tag (script_loader_tag filter).
 *
 * @param string $tag    The printed tag.
 * @param string $handle The script's handle.
 * @return string
 */
function storedesk_script_tag( $tag, $handle ) {
	if ( STOREDESK_HANDLE !== $handle ) {
		return $tag;
	}
	$processor = new WP_HTML_Tag_Processor( $tag );
	while ( $processor->next_tag( 'script' ) ) {
		if ( STOREDESK_HANDLE . '-js' !== $processor->get_attribute( 'id' ) ) {
			continue;
		}
		foreach ( storedesk_widget_attributes() as $name => $value ) {
			$processor->set_attribute( $name, $value );
		}
	}
	return $processor->get_updated_html();
}
add_filter( 'script_loader_tag', 'storedesk_script_tag', 10, 2 );

