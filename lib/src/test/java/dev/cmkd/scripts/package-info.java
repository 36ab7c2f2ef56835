/**
 * Tests of the data scripts as a user runs them: each dataset's scripts with their default paths, from a fake
 * source on loopback to the benchmark's own run with no path given ({@link dev.cmkd.scripts.ScriptToBenchmarkTest}),
 * VGGSound's clip fetcher with a stand-in for yt-dlp, and every download script's dry run.
 */
package dev.cmkd.scripts;
