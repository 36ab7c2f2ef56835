package dev.cmkd.data.avmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The roster, the split rule, the prosody formulas, word orders and pairing, without any speech tool. */
class SpeakerTest {

    @Test
    void rosterHas143SpeakersInTheFixedOrder() {
        assertEquals(143, Speaker.ROSTER.size());
        assertEquals("en-us+m1", Speaker.of(0).voice());
        assertEquals("en-us+croak", Speaker.of(15).voice());
        assertEquals("en-gb+m1", Speaker.of(16).voice());
        assertEquals("en-us-nyc+croak", Speaker.of(127).voice());
        assertEquals(new Speaker(128, Speaker.Engine.FLITE, "kal", -300), Speaker.of(128));
        assertEquals(new Speaker(133, Speaker.Engine.FLITE, "kal16", 300), Speaker.of(133));
        assertEquals(new Speaker(142, Speaker.Engine.FLITE, "slt", 300), Speaker.of(142));
        for (int i = 0; i < 143; i++) {
            assertEquals(i, Speaker.of(i).index());
        }
        assertThrows(IllegalArgumentException.class, () -> Speaker.of(143));
    }

    @Test
    void splitsFollowTheContract() {
        Map<Split, Long> counts = Speaker.ROSTER.stream().collect(Collectors.groupingBy(Speaker::split,
                Collectors.counting()));
        assertEquals(86, counts.get(Split.TRAIN));
        assertEquals(28, counts.get(Split.VALIDATION));
        assertEquals(29, counts.get(Split.TEST));
        for (Speaker speaker : Speaker.ROSTER) {
            int mod = speaker.index() % 5;
            assertEquals(mod == 2 ? Split.TEST : mod == 4 ? Split.VALIDATION : Split.TRAIN, speaker.split());
        }
        for (Split split : Split.values()) {
            assertEquals(split, Split.fromCsv(split.csvName()));
            assertTrue(Speaker.ROSTER.stream().anyMatch(s -> s.split() == split && s.engine() == Speaker.Engine.FLITE),
                    "every split has a flite speaker: " + split);
        }
    }

    @Test
    void prosodyFormulasStayInRange() {
        assertEquals(130, Speaker.of(0).speed(0));
        assertEquals(25, Speaker.of(0).pitch(0));
        assertEquals(130 + (7 * 5 + 29 * 3) % 71, Speaker.of(5).speed(3));
        assertEquals(25 + (11 * 5 + 31 * 3) % 51, Speaker.of(5).pitch(3));
        assertEquals("0.85", Speaker.of(0).tempo(0, 0));
        assertEquals("1.15", Speaker.of(6).tempo(0, 0)); // 85 + 30
        for (Speaker speaker : Speaker.ROSTER) {
            for (int rep = 0; rep < 8; rep++) {
                assertTrue(speaker.speed(rep) >= 130 && speaker.speed(rep) <= 200);
                assertTrue(speaker.pitch(rep) >= 25 && speaker.pitch(rep) <= 75);
                for (int digit = 0; digit < 10; digit++) {
                    assertTrue(speaker.tempoPercent(digit, rep) >= 85 && speaker.tempoPercent(digit, rep) <= 115);
                }
            }
        }
        assertEquals("audio/7_spk003_1.wav", Speaker.of(3).wavPath(7, 1));
    }

    @Test
    void wordOrdersArePermutationsFixedBySeedSpeakerAndRep() {
        int[] order = Synthesizer.wordOrder(20251125L, 7, 1);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(order).sorted().toArray());
        assertArrayEquals(order, Synthesizer.wordOrder(20251125L, 7, 1));
        assertNotEquals(Arrays.toString(order), Arrays.toString(Synthesizer.wordOrder(20251125L, 7, 2)));
        assertNotEquals(Arrays.toString(order), Arrays.toString(Synthesizer.wordOrder(20251126L, 7, 1)));
    }

    @Test
    void pairingIsDeterministicAndStaysInSplitAndLabel() {
        AvMnistTts build = AvMnistTts.builder().setOutputDir(Path.of("unused")).optReps(2).build();
        List<AvMnistTts.Clip> clips = build.clips();
        assertEquals(143 * 10 * 2, clips.size());
        int[] trainLabels = new int[300];
        int[] testLabels = new int[100];
        for (int i = 0; i < trainLabels.length; i++) {
            trainLabels[i] = (i * 7) % 10;
        }
        for (int i = 0; i < testLabels.length; i++) {
            testLabels[i] = (i * 3) % 10;
        }
        List<AvMnistTts.Pair> pairs = AvMnistTts.pairs(clips, trainLabels, testLabels, 200, 100, 100, 5);
        assertEquals(pairs, AvMnistTts.pairs(clips, trainLabels, testLabels, 200, 100, 100, 5));
        assertNotEquals(pairs, AvMnistTts.pairs(clips, trainLabels, testLabels, 200, 100, 100, 6));
        Map<String, AvMnistTts.Clip> byWav = clips.stream().collect(Collectors.toMap(AvMnistTts.Clip::wav, c -> c));
        for (int i = 0; i < pairs.size(); i++) {
            AvMnistTts.Pair pair = pairs.get(i);
            AvMnistTts.Clip clip = byWav.get(pair.wav());
            assertEquals(pair.split(), clip.split());
            assertEquals(pair.label(), clip.label());
            int expectedIndex = i < 200 ? i : i < 300 ? i : i - 300;
            assertEquals(expectedIndex, pair.imageIndex());
            assertEquals(i < 300 ? "train" : "t10k", pair.imageSet());
            assertEquals(i < 200 ? Split.TRAIN : i < 300 ? Split.VALIDATION : Split.TEST, pair.split());
            assertEquals((i < 300 ? trainLabels : testLabels)[pair.imageIndex()], pair.label());
        }
        long distinct = pairs.stream().map(AvMnistTts.Pair::wav).distinct().count();
        assertTrue(distinct > 250, "draws spread over many clips: " + distinct);
    }

    @Test
    void builderErrorsNameTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvMnistTts.builder().setOutputDir(Path.of("x")).optReps(0).build());
        assertTrue(e.getMessage().contains("reps 0 outside [1, 1000]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AvMnistTts.builder().setOutputDir(Path.of("x")).optTrainPairs(59_500).optValPairs(1000).build());
        assertTrue(e.getMessage().contains("valPairs 1000 outside [0, 500]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AvMnistTts.builder().setOutputDir(Path.of("x")).optSpeakers(3, 200).build());
        assertTrue(e.getMessage().contains("speaker 200 outside [0, 142]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AvMnistTts.builder().build());
        assertTrue(e.getMessage().contains("setOutputDir"), e.getMessage());
    }

    @Test
    void missingSplitSpeakersAreExplained() {
        AvMnistTts build = AvMnistTts.builder().setOutputDir(Path.of("x")).optSpeakers(0).optReps(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvMnistTts.pairs(build.clips(), new int[] {1, 2}, new int[] {3}, 1, 0, 1, 1));
        assertTrue(e.getMessage().contains("no clip of digit 3 by a test speaker"), e.getMessage());
    }
}
