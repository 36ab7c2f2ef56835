/**
 * CrisisMMD v2.0, the humanitarian task: the prepared layout's loader ({@link dev.cmkd.data.crisis.CrisisMmdLoader})
 * and streaming split (pictures decoded and augmented on demand, {@link dev.cmkd.data.crisis.ImageTransform}), the
 * tweet tokenizer and vocabulary, and a synthetic stand-in in the same layout for tests and smoke runs.
 */
package dev.cmkd.data.crisis;
