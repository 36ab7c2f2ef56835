package dev.cmkd.data.crisis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a tweet, already normalised by {@code data-scripts/crisismmd/prepare.py} (user mentions as {@code
 * @USER}, links as {@code HTTPURL}, emoji as {@code :name:}), into tokens. The rules, in order:
 *
 * <ol>
 *   <li>lower-case with {@link Locale#ROOT}; the typographic apostrophe U+2019 becomes {@code '};
 *   <li>tokens are the maximal matches, left to right, of
 *       <ul>
 *         <li>{@code @user} (a normalised mention),
 *         <li>{@code :name:} with {@code name} of {@code [a-z0-9_]} (a normalised emoji),
 *         <li>a run of letters and digits ({@code \p{L}\p{N}}), optionally followed by {@code 'letters} groups
 *             ({@code don't}, {@code harvey's});
 *       </ul>
 *   <li>everything else (punctuation, {@code #} of hashtags, symbols, spaces) separates tokens and is dropped.
 * </ol>
 *
 * For example {@code "RT @USER: Flooding in #Houston & more HTTPURL :face_with_tears_of_joy:"} gives
 * {@code [rt, @user, flooding, in, houston, more, httpurl, :face_with_tears_of_joy:]}. These are our rules
 * (a word-level tokenizer for a CNN trained from scratch, in the spirit of Kim 2014's preprocessing); the
 * tweet normalisation before them is the one of BERTweet (Nguyen et al., EMNLP 2020 demos), which
 * data.md names for CrisisMMD.
 */
public final class TweetTokenizer {

    private static final Pattern TOKEN = Pattern.compile("@user|:[a-z0-9_]+:|[\\p{L}\\p{N}]+(?:'[\\p{L}]+)*");

    private TweetTokenizer() {}

    /** Returns the tokens of {@code text}, in order. */
    public static List<String> tokens(String text) {
        String lower = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(lower);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }
}
