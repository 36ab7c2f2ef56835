/**
 * Experiments: teachers and students trained on a paired dataset under a fixed protocol, with model
 * selection reported three ways, and the embedded benchmark that runs them all.
 */
package dev.cmkd.experiment;
