/**
 * Text for the text modality, offline and deterministic: {@link dev.cmkd.data.text.TweetTokenizer} turns a
 * normalised tweet into tokens and {@link dev.cmkd.data.text.Vocabulary}, built from the training split
 * only, turns tokens into fixed-length id sequences for {@link dev.cmkd.model.TextCnn}.
 */
package dev.cmkd.data.text;
