/**
 * The notebooks as a reader meets them: served by Debian's classic Jupyter Notebook on loopback, opened in Debian's
 * Chromium through Selenium, run through the UI at smoke size, and checked in the rendered page
 * ({@link dev.cmkd.browser.NotebooksInBrowserIT}, run by failsafe in {@code mvn verify}).
 */
package dev.cmkd.browser;
