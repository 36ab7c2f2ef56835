/** Writing results: tables as CSV and figures as PNG, each written atomically so nothing is half-written. */
package dev.cmkd.results;
