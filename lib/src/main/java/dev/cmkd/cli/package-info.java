/**
 * The command line: one options table per entry point ({@link dev.cmkd.cli.Options}: every key with type, default
 * per profile and help), parsed once before any work, and the commands {@code lib/bin/kit run} and {@code
 * lib/bin/kit main}. Every command prints its table for {@code --help} and ends a setting it cannot use with one
 * line and status 2 ({@link dev.cmkd.cli.Cli}).
 */
package dev.cmkd.cli;
