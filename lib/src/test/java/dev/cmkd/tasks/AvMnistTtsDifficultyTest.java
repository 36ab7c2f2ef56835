package dev.cmkd.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.cli.Options;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.experiment.Task;
import dev.cmkd.tasks.AvMnistTtsTask.DataSettings;
import dev.cmkd.testing.TestSettings;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data knobs of av-mnist-tts: the hard default, the easy preset, explicit values, and the run identity. */
class AvMnistTtsDifficultyTest {

    @Test
    void theKnobsParseTheDifficultyChoosesTheirDefaultsAndAGivenKnobWins() {
        assertEquals(DataSettings.HARD, DataSettings.of(TestSettings.of(AvMnistTtsTask.TYPE)));
        assertEquals(DataSettings.HARD, DataSettings.of(TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci")));
        assertEquals(DataSettings.EASY, DataSettings.of(TestSettings.of(AvMnistTtsTask.TYPE, "difficulty=easy")));
        assertEquals(new DataSettings(-5.0, 1.0, Integer.MAX_VALUE), DataSettings.EASY);
        Settings given = TestSettings.of(AvMnistTtsTask.TYPE, "difficulty=easy", "snrDb=-12", "imageEnergy=0.4",
                "trainPairs=500");
        assertEquals(new DataSettings(-12.0, 0.4, 500), DataSettings.of(given));
        assertEquals(new DataSettings(DataSettings.HARD.snrDb(), 0.5, DataSettings.HARD.trainPairs()),
                DataSettings.of(TestSettings.of(AvMnistTtsTask.TYPE, "difficulty=hard", "imageEnergy=0.5")));
        for (String bad : new String[] {"imageEnergy=0", "imageEnergy=1.5", "trainPairs=0", "difficulty=medium"}) {
            assertThrows(Options.InvalidOption.class, () -> TestSettings.of(AvMnistTtsTask.TYPE, bad), bad);
        }
    }

    @Test
    void everyKnobChangesTheRunIdentityAndEasyKeepsTheEarlierOne(@TempDir Path dir) {
        assertEquals(Map.of("snrDb", -5.0), DataSettings.EASY.identity(), "the earlier default's identity");
        Map<String, Object> hard = DataSettings.HARD.identity();
        assertEquals(DataSettings.HARD.imageEnergy(), hard.get("imageEnergy"));
        assertEquals(DataSettings.HARD.trainPairs(), hard.get("trainPairs"));
        for (String knob : new String[] {"snrDb=-3", "imageEnergy=0.9", "trainPairs=5", "difficulty=easy"}) {
            assertNotEquals(hard, DataSettings.of(TestSettings.of(AvMnistTtsTask.TYPE, "difficulty=hard", knob))
                    .identity(), knob);
        }
        // the task puts them in the run identity
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Map<?, ?> task = identity(data);
        Map<?, ?> easy = identity(data, "difficulty=easy");
        assertEquals(DataSettings.HARD.imageEnergy(), task.get("imageEnergy"));
        assertEquals(DataSettings.HARD.snrDb(), task.get("snrDb"));
        assertTrue(!easy.containsKey("imageEnergy") && !easy.containsKey("trainPairs"), easy.toString());
        assertEquals(-5.0, easy.get("snrDb"));
    }

    private static Map<?, ?> identity(Path data, String... knobs) {
        Object[] pairs = new Object[knobs.length + 3];
        pairs[0] = "profile=ci";
        pairs[1] = "data=" + data;
        pairs[2] = "width=4";
        System.arraycopy(knobs, 0, pairs, 3, knobs.length);
        Task task = AvMnistTtsTask.create(TestSettings.of(AvMnistTtsTask.TYPE, pairs), data);
        return (Map<?, ?>) task.identity().get("data");
    }
}
