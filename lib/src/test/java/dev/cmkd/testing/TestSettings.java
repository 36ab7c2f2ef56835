package dev.cmkd.testing;

import dev.cmkd.cli.Settings;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.tasks.TaskRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

/** Settings of {@code kit run <type>} from {@code key=value} pairs, as the command line would give them. */
public final class TestSettings {

    private TestSettings() {}

    /** Parses {@code pairs} ({@code "seeds=0,1"}, ...) with the options table of {@code type}. */
    public static Settings of(TaskType type, Object... pairs) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (Object pair : pairs) {
            String text = pair.toString();
            int equals = text.indexOf('=');
            raw.put(text.substring(0, equals), text.substring(equals + 1));
        }
        return TaskRegistry.settings(type, raw);
    }
}
