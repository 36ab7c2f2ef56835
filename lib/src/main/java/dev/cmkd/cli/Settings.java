package dev.cmkd.cli;

import dev.cmkd.report.PlainText;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parsed settings of one entry point: every option of its {@link Options} table, given or defaulted. */
public final class Settings {

    private final String command;
    private final Profile profile;
    private final Map<String, Object> values;
    private final Map<String, String> given;

    Settings(String command, Profile profile, Map<String, Object> values, Map<String, String> given) {
        this.command = command;
        this.profile = profile;
        this.values = values;
        this.given = Map.copyOf(given);
    }

    /** Returns the settings as they were given, key to text (the others took their defaults). */
    public Map<String, String> given() {
        return given;
    }

    /** Returns the profile. */
    public Profile profile() {
        return profile;
    }

    /** Returns the value of {@code option}, which must be in the table. */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        if (!values.containsKey(option.key())) {
            throw new IllegalStateException(command + " has no option '" + option.key() + "'");
        }
        return (T) values.get(option.key());
    }

    /** Returns the settings as a two-column key/value table, in table order ({@link PlainText#keyValues}). */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((key, value) -> shown.put(key, Option.show(value)));
        return PlainText.keyValues(command + " (" + profile.label() + ")", shown);
    }
}
