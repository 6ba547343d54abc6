<?php
/**
 * The plugin's own functions, on a real WordPress.
 *
 * @package Storedesk
 */

use PHPUnit\Framework\TestCase;

/**
 * Identity, settings, connect link and script tag.
 */
final class PluginTest extends TestCase {

	const SECRET = 'k3y_for-tests_0123456789abcdef';
	const RELAY  = 'https://relay.example.com';

	protected function tearDown(): void {
		delete_option( STOREDESK_OPTION );
		delete_option( STOREDESK_SECRET_OPTION );
		wp_set_current_user( 0 );
		unset( $_POST['storedesk_forget_secret'] );
	}

	public function test_the_signed_text_has_the_name_only_when_there_is_one() {
		$this->assertSame( 'alice@example.com:Alice Martin:1700000000', storedesk_signed_text( ' Alice@Example.com ', ' Alice Martin ', 1700000000 ) );
		$this->assertSame( 'alice@example.com:1700000000', storedesk_signed_text( 'alice@example.com', '  ', 1700000000 ) );
	}

	public function test_the_identity_attributes_carry_an_hmac_of_the_signed_text() {
		$attributes = storedesk_identity_attributes( self::SECRET, 'Alice@Example.com', 'Alice Martin', 1700000000 );
		$this->assertSame( array( 'data-customer-email', 'data-customer-name', 'data-customer-ts', 'data-customer-signature' ), array_keys( $attributes ) );
		$this->assertSame( 'alice@example.com', $attributes['data-customer-email'] );
		$this->assertSame( hash_hmac( 'sha256', 'alice@example.com:Alice Martin:1700000000', self::SECRET ), $attributes['data-customer-signature'] );
	}

	public function test_nothing_is_signed_without_a_secret_or_a_usable_email() {
		$this->assertSame( array(), storedesk_identity_attributes( '', 'alice@example.com', 'Alice', 1 ) );
		$this->assertSame( array(), storedesk_identity_attributes( self::SECRET, 'not an email', 'Alice', 1 ) );
	}

	public function test_a_guest_has_no_identity() {
		update_option( STOREDESK_SECRET_OPTION, self::SECRET );
		$this->assertSame( array(), storedesk_current_identity() );
	}

	public function test_the_settings_keep_known_keys_with_clean_values() {
		$clean = storedesk_sanitize_settings(
			array(
				'enabled'    => 'on',
				'relay_url'  => ' https://relay.example.com/ ',
				'widget_key' => 'wk_abcdEFGH_12-3',
				'pages'      => 'woocommerce',
				'page_ids'   => array( '5', '5', 'x' ),
				'extra'      => 'dropped',
			)
		);
		$this->assertSame(
			array(
				'enabled'    => true,
				'relay_url'  => self::RELAY,
				'widget_key' => 'wk_abcdEFGH_12-3',
				'pages'      => 'woocommerce',
				'page_ids'   => array( 5 ),
			),
			$clean
		);
		$this->assertSame( '', storedesk_sanitize_settings( array( 'relay_url' => 'https://relay.example.com/?x=1' ) )['relay_url'] );
		$this->assertSame( storedesk_defaults(), storedesk_sanitize_settings( 'junk' ) );
	}

	public function test_an_empty_secret_field_keeps_the_saved_secret_and_forget_removes_it() {
		update_option( STOREDESK_SECRET_OPTION, self::SECRET );
		$this->assertSame( self::SECRET, storedesk_sanitize_secret( '' ) );
		$this->assertSame( self::SECRET, storedesk_sanitize_secret( 'bad secret <b>' ) );
		$this->assertSame( 'another_secret_0123456789', storedesk_sanitize_secret( ' another_secret_0123456789 ' ) );
		$_POST['storedesk_forget_secret'] = '1';
		$this->assertSame( '', storedesk_sanitize_secret( '' ) );
	}

	public function test_a_connection_link_is_rebuilt_for_this_site_and_the_saved_relay() {
		$home = 'https://shop.example.com';
		$link = $home . '/wc-auth/v1/authorize?app_name=Evil&scope=read&user_id=cs_01abc&return_url='
			. rawurlencode( self::RELAY . '/v1/connect/done' ) . '&callback_url='
			. rawurlencode( self::RELAY . '/v1/connect/woocommerce/Zx9_state-token-0123456789' ) . '&extra=1';
		$url = storedesk_connect_url( $link, self::RELAY, $home );
		$this->assertIsString( $url );
		$this->assertStringStartsWith( $home . '/wc-auth/v1/authorize?app_name=Storedesk&scope=read&user_id=cs_01abc&', $url );
		$this->assertStringNotContainsString( 'extra', $url );
		$this->assertSame( 'other_site', storedesk_connect_url( $link, self::RELAY, 'https://elsewhere.example.com' )->get_error_code() );
		$this->assertSame( 'other_relay', storedesk_connect_url( $link, 'https://relay.attacker.example', $home )->get_error_code() );
		$this->assertSame( 'no_relay', storedesk_connect_url( $link, '', $home )->get_error_code() );
		$this->assertSame( 'bad_link', storedesk_connect_url( 'wk_abc', self::RELAY, $home )->get_error_code() );
	}

	public function test_the_widget_shows_where_the_merchant_chose() {
		$settings = array_merge(
			storedesk_defaults(),
			array(
				'enabled'    => true,
				'relay_url'  => self::RELAY,
				'widget_key' => 'wk_abcdEFGH',
			)
		);
		$this->assertTrue( storedesk_should_show( $settings ) );
		$this->assertFalse( storedesk_should_show( array_merge( $settings, array( 'enabled' => false ) ) ) );
		$this->assertFalse( storedesk_should_show( array_merge( $settings, array( 'widget_key' => '' ) ) ) );
		$this->assertFalse( storedesk_should_show( array_merge( $settings, array( 'pages' => 'woocommerce' ) ) ) );
		$this->assertFalse( storedesk_should_show( array_merge( $settings, array( 'pages' => 'selected', 'page_ids' => array( 2 ) ) ) ) );
	}

	public function test_the_script_tag_gets_the_widget_key_and_the_signed_identity_escaped() {
		update_option( STOREDESK_OPTION, array( 'widget_key' => 'wk_abcdEFGH' ) );
		update_option( STOREDESK_SECRET_OPTION, self::SECRET );
		$user = wp_insert_user(
			array(
				'user_login' => 'quote' . wp_rand(),
				'user_pass'  => wp_generate_password(),
				'user_email' => 'quote' . wp_rand() . '@example.com',
				'first_name' => 'O"Brien',
			)
		);
		wp_set_current_user( $user );
		$tag = "<script src='https://relay.example.com/widget.js' id='storedesk-widget-js' async data-wp-strategy='async'></script>\n";
		$out = storedesk_script_tag( $tag, 'storedesk-widget' );
		$this->assertStringContainsString( 'data-widget="wk_abcdEFGH"', $out );
		$this->assertStringContainsString( 'data-customer-name="O&quot;Brien"', $out );
		$this->assertStringContainsString( 'data-customer-signature="', $out );
		$this->assertStringNotContainsString( self::SECRET, $out );
		$this->assertSame( $tag, storedesk_script_tag( $tag, 'another-script' ) );
		wp_delete_user( $user );
	}
}
