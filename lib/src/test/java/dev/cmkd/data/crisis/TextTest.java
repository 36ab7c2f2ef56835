package dev.cmkd.data.crisis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer's and the vocabulary's documented rules, with exact outputs. */
class TextTest {

    @Test
    void tokenizesANormalisedTweet() {
        assertEquals(List.of("rt", "@user", "flooding", "in", "houston", "more", "httpurl", ":face_with_tears_of_joy:",
                        ":person_with_folded_hands:"),
                TweetTokenizer.tokens("RT @USER: Flooding in #Houston & more HTTPURL :face_with_tears_of_joy:"
                        + " :person_with_folded_hands:"));
        assertEquals(List.of("don't", "harvey's", "cat", "5", "mph", "über", "2017"),
                TweetTokenizer.tokens("Don’t... HARVEY's cat-5 (mph) Über!! 2017"));
        assertEquals(List.of(), TweetTokenizer.tokens(" ,;:!? "));
    }

    @Test
    void buildsTheVocabularyByCountThenTokenAndEncodesWithPaddingAndUnknowns() {
        List<List<String>> train = List.of(List.of("b", "a", "c", "a"), List.of("b", "d", "a"), List.of("c", "e"));
        Vocabulary vocabulary = Vocabulary.build(train, 2, 0);
        assertEquals(5, vocabulary.size());
        assertEquals(List.of(Vocabulary.PAD, Vocabulary.UNK, "a", "b", "c"),
                List.of(vocabulary.token(0), vocabulary.token(1), vocabulary.token(2), vocabulary.token(3),
                        vocabulary.token(4)));
        assertArrayEquals(new int[] {3, 1, 2, 0, 0}, vocabulary.encode(List.of("b", "zzz", "a"), 5));
        assertArrayEquals(new int[] {4, 2}, vocabulary.encode(List.of("c", "a", "b"), 2));
        assertArrayEquals(new int[] {0, 0, 0}, vocabulary.encode(List.of(), 3));
        Vocabulary capped = Vocabulary.build(train, 1, 4);
        assertEquals(List.of("a", "b"), List.of(capped.token(2), capped.token(3)));
        assertEquals(1, capped.id("c"));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(train, 0, 0));
    }

    @Test
    void writesTheVocabularyAsTsv(@TempDir Path dir) throws Exception {
        Vocabulary vocabulary = Vocabulary.build(List.of(List.of("x", "y", "x")), 1, 0);
        vocabulary.write(dir.resolve("vocabulary.tsv"));
        assertEquals("id\ttoken\tcount\n0\t<pad>\t0\n1\t<unk>\t0\n2\tx\t2\n3\ty\t1\n",
                Files.readString(dir.resolve("vocabulary.tsv")));
    }
}
