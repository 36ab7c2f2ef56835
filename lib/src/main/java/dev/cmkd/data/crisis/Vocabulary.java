package dev.cmkd.data.crisis;

import static dev.cmkd.data.Checks.checkArgument;

import dev.cmkd.results.ResultFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Token ids for a text encoder, built from the training split only, so that validation and test words
 * the training split lacks are unknown, as they would be for new data. The rules:
 *
 * <ul>
 *   <li>id 0 is {@value #PAD} (padding), id 1 is {@value #UNK} (a token outside the vocabulary);
 *   <li>then every token that occurs at least {@code minCount} times in the training texts, by decreasing
 *       count, ties in {@link String#compareTo} order of the token, so the ids are deterministic;
 *   <li>with {@code maxSize > 0} only the first {@code maxSize} ids (the two special ones included) are kept;
 *   <li>{@link #encode}: the first {@code maxLength} tokens of a text, each mapped to its id or to 1, then
 *       0 up to {@code maxLength}. An empty text is all padding.
 * </ul>
 */
public final class Vocabulary {

    /** The padding token, id 0. */
    public static final String PAD = "<pad>";
    /** The unknown token, id 1. */
    public static final String UNK = "<unk>";

    private final List<String> tokens;
    private final long[] counts;
    private final Map<String, Integer> ids = new HashMap<>();

    private Vocabulary(List<String> tokens, long[] counts) {
        this.tokens = List.copyOf(tokens);
        this.counts = counts;
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    /**
     * Builds the vocabulary of {@code texts} (each a list of tokens, e.g. from {@link TweetTokenizer}).
     *
     * @param minCount the least number of occurrences a token needs (at least 1)
     * @param maxSize the largest vocabulary, special tokens included; 0 for no limit
     */
    public static Vocabulary build(Collection<List<String>> texts, int minCount, int maxSize) {
        checkArgument(minCount >= 1 && (maxSize == 0 || maxSize >= 3), "Vocabulary.build: minCount " + minCount
                + " must be >= 1 and maxSize " + maxSize + " 0 (no limit) or >= 3");
        Map<String, Long> frequency = texts.stream().flatMap(List::stream)
                .filter(token -> !token.equals(PAD) && !token.equals(UNK))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        List<Map.Entry<String, Long>> kept = frequency.entrySet().stream().filter(e -> e.getValue() >= minCount)
                .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                        .thenComparing(Map.Entry::getKey)).toList();
        int size = maxSize == 0 ? kept.size() + 2 : Math.min(maxSize, kept.size() + 2);
        List<String> tokens = new ArrayList<>(List.of(PAD, UNK));
        long[] counts = new long[size];
        for (int i = 2; i < size; i++) {
            tokens.add(kept.get(i - 2).getKey());
            counts[i] = kept.get(i - 2).getValue();
        }
        return new Vocabulary(tokens, counts);
    }

    /** Returns the number of ids, special tokens included. */
    public int size() {
        return tokens.size();
    }

    /** Returns the id of {@code token}, 1 ({@link #UNK}) if it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, 1);
    }

    /** Returns the token of {@code id}. */
    public String token(int id) {
        return tokens.get(id);
    }

    /** Returns the ids of the first {@code maxLength} tokens, padded with 0 to exactly {@code maxLength}. */
    public int[] encode(List<String> text, int maxLength) {
        int[] encoded = new int[maxLength];
        for (int i = 0; i < Math.min(maxLength, text.size()); i++) {
            encoded[i] = id(text.get(i));
        }
        return encoded;
    }

    /** Writes the vocabulary as UTF-8 lines {@code id<TAB>token<TAB>training count}, with a header. */
    public void write(Path file) {
        StringBuilder text = new StringBuilder("id\ttoken\tcount\n");
        for (int i = 0; i < tokens.size(); i++) {
            text.append(i).append('\t').append(tokens.get(i)).append('\t').append(counts[i]).append('\n');
        }
        ResultFiles.writeString(text.toString(), file);
    }
}
