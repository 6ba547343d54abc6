<?php
/**
 * Settings → Storedesk: the relay, the widget, where it shows, the widget secret, and
 * "Connect with Storedesk" (Settings API; manage_options; nonces).
 *
 * @package Storedesk
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers the two options and the page's fields.
 */
function storedesk_register_settings() {
	register_setting(
		'storedesk',
		STOREDESK_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'storedesk_sanitize_settings',
			'default'           => storedesk_defaults(),
			'show_in_rest'      => false,
		)
	);
	register_setting(
		'storedesk',
		STOREDESK_SECRET_OPTION,
		array(
			'type'              => 'string',
			'sanitize_callback' => 'storedesk_sanitize_secret',
			'default'           => '',
			'show_in_rest'      => false,
		)
	);
	add_settings_section( 'storedesk_widget', __( 'Chat widget', 'storedesk' ), '__return_false', 'storedesk' );
	$fields = array(
		'enabled'    => __( 'Show the chat', 'storedesk' ),
		'relay_url'  => __( 'Relay address', 'storedesk' ),
		'widget_key' => __( 'Widget key', 'storedesk' ),
		'secret'     => __( 'Widget secret', 'storedesk' ),
		'pages'      => __( 'Pages', 'storedesk' ),
	);
	foreach ( $fields as $field => $label ) {
		add_settings_field( 'storedesk_' . $field, $label, 'storedesk_field_' . $field, 'storedesk', 'storedesk_widget', array( 'label_for' => 'storedesk_' . $field ) );
	}
}
add_action( 'admin_init', 'storedesk_register_settings' );

/**
 * Adds Settings → Storedesk.
 */
function storedesk_add_page() {
	add_options_page( __( 'Storedesk', 'storedesk' ), __( 'Storedesk', 'storedesk' ), 'manage_options', 'storedesk', 'storedesk_render_page' );
}
add_action( 'admin_menu', 'storedesk_add_page' );

/**
 * The Settings link on the Plugins screen.
 *
 * @param string[] $links The plugin's action links.
 * @return string[]
 */
function storedesk_action_links( $links ) {
	$links[] = sprintf( '<a href="%s">%s</a>', esc_url( storedesk_settings_url() ), esc_html__( 'Settings', 'storedesk' ) );
	return $links;
}
add_filter( 'plugin_action_links_' . plugin_basename( STOREDESK_FILE ), 'storedesk_action_links' );

/**
 * The name attribute of a settings field.
 *
 * @param string $key The settings key.
 * @return string
 */
function storedesk_field_name( $key ) {
	return STOREDESK_OPTION . '[' . $key . ']';
}

/** The on/off switch. */
function storedesk_field_enabled() {
	printf(
		'<label><input type="checkbox" id="storedesk_enabled" name="%s" value="1" %s /> %s</label>',
		esc_attr( storedesk_field_name( 'enabled' ) ),
		checked( storedesk_settings()['enabled'], true, false ),
		esc_html__( 'Show the Storedesk chat on the shop', 'storedesk' )
	);
}

/** The relay's address. */
function storedesk_field_relay_url() {
	printf(
		'<input type="url" class="regular-text code" id="storedesk_relay_url" name="%s" value="%s" placeholder="https://relay.example.com" /><p class="description">%s</p>',
		esc_attr( storedesk_field_name( 'relay_url' ) ),
		esc_attr( storedesk_settings()['relay_url'] ),
		esc_html__( 'Where your Storedesk relay answers (the console shows it under Settings → Relay).', 'storedesk' )
	);
}

/** The widget key. */
function storedesk_field_widget_key() {
	printf(
		'<input type="text" class="regular-text code" id="storedesk_widget_key" name="%s" value="%s" placeholder="wk_…" /><p class="description">%s</p>',
		esc_attr( storedesk_field_name( 'widget_key' ) ),
		esc_attr( storedesk_settings()['widget_key'] ),
		esc_html__( 'The key of the widget to show, from the console\'s Widgets screen.', 'storedesk' )
	);
}

/** The widget secret: write-only; the page only says whether one is saved. */
function storedesk_field_secret() {
	$secret = storedesk_secret();
	printf(
		'<input type="password" class="regular-text code" id="storedesk_secret" name="%s" value="" autocomplete="off" />',
		esc_attr( STOREDESK_SECRET_OPTION )
	);
	if ( '' === $secret ) {
		echo '<p class="description">' . esc_html__( 'Optional. With it, customers who are signed in are recognised by the chat without typing their email. `storedesk widget secret WIDGET` prints it.', 'storedesk' ) . '</p>';
		return;
	}
	echo '<p class="description">';
	/* translators: %s: the last four characters of the saved secret. */
	echo esc_html( sprintf( __( 'A secret ending in …%s is saved; leave the field empty to keep it.', 'storedesk' ), substr( $secret, -4 ) ) );
	echo '</p><label><input type="checkbox" name="storedesk_forget_secret" value="1" /> ' . esc_html__( 'Forget the saved secret', 'storedesk' ) . '</label>';
}

/** Where the widget shows. */
function storedesk_field_pages() {
	$settings = storedesk_settings();
	$modes = array(
		'all'         => __( 'Every page', 'storedesk' ),
		'woocommerce' => __( 'WooCommerce pages only (shop, products, cart, checkout, account)', 'storedesk' ),
		'selected'    => __( 'Only these pages:', 'storedesk' ),
	);
	echo '<fieldset id="storedesk_pages">';
	foreach ( $modes as $mode => $label ) {
		printf(
			'<label><input type="radio" name="%s" value="%s" %s /> %s</label><br />',
			esc_attr( storedesk_field_name( 'pages' ) ),
			esc_attr( $mode ),
			checked( $settings['pages'], $mode, false ),
			esc_html( $label )
		);
	}
	printf( '<select multiple size="5" name="%s[]" aria-label="%s">', esc_attr( storedesk_field_name( 'page_ids' ) ), esc_attr__( 'Pages to show the chat on', 'storedesk' ) );
	foreach ( get_pages( array( 'number' => 200 ) ) as $page ) {
		printf(
			'<option value="%d" %s>%s</option>',
			(int) $page->ID,
			selected( in_array( (int) $page->ID, $settings['page_ids'], true ), true, false ),
			esc_html( get_the_title( $page ) )
		);
	}
	echo '</select></fieldset>';
}

/**
 * The page itself: the settings form, then the Connect form.
 */
function storedesk_render_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1>';
	storedesk_render_notice();
	settings_errors( STOREDESK_OPTION );
	echo '<form method="post" action="options.php">';
	settings_fields( 'storedesk' );
	do_settings_sections( 'storedesk' );
	submit_button();
	echo '</form>';
	storedesk_render_connect();
	echo '</div>';
}

/** A notice the Connect handler left in the address (whitelisted codes only). */
function storedesk_render_notice() {
	// Only a fixed message is shown for a known code; nothing is changed.
	// phpcs:ignore WordPress.Security.NonceVerification.Recommended
	$code = isset( $_GET['storedesk_notice'] ) ? sanitize_key( wp_unslash( $_GET['storedesk_notice'] ) ) : '';
	$notices = storedesk_connect_notices();
	if ( isset( $notices[ $code ] ) ) {
		printf( '<div class="notice notice-error"><p>%s</p></div>', esc_html( $notices[ $code ] ) );
	}
}

/** The "Connect with Storedesk" form. */
function storedesk_render_connect() {
	echo '<h2>' . esc_html__( 'Connect your WooCommerce store', 'storedesk' ) . '</h2>';
	echo '<p>' . esc_html__( 'So the chat can answer order questions, Storedesk reads your orders through WooCommerce\'s REST API. Start the connection in the Storedesk console (Connect with WooCommerce in the WooCommerce wizard, or storedesk store connect woocommerce --url with this site\'s address), paste the link it shows here, and approve on the next page: the keys go to your relay, never through this page.', 'storedesk' ) . '</p>';
	printf( '<form method="post" action="%s">', esc_url( admin_url( 'admin-post.php' ) ) );
	printf( '<input type="hidden" name="action" value="%s" />', esc_attr( STOREDESK_CONNECT_ACTION ) );
	wp_nonce_field( STOREDESK_CONNECT_ACTION );
	printf(
		'<p><label for="storedesk_connect_link">%s</label><br /><input type="url" class="large-text code" id="storedesk_connect_link" name="storedesk_connect_link" required /></p>',
		esc_html__( 'Connection link', 'storedesk' )
	);
	$disabled = class_exists( 'WooCommerce' ) ? array() : array( 'disabled' => 'disabled' );
	submit_button( __( 'Connect with Storedesk', 'storedesk' ), 'secondary', 'storedesk_connect', true, $disabled );
	if ( $disabled ) {
		echo '<p class="description">' . esc_html__( 'WooCommerce is not active on this site.', 'storedesk' ) . '</p>';
	}
	echo '</form>';
}
