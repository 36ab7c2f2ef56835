package dev.cmkd.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The options table of one entry point: every key it reads, with type, default per profile and help. Values come
 * from {@code -Dfdcmkd.<key>=value} system properties (what {@code lib/bin/kit} passes on) and {@code --<key>=value}
 * arguments, and are parsed once, before any work: an unknown key, a malformed value or a value outside the allowed
 * ones fails with one line naming the key, the value, what is allowed and the fix ({@link InvalidOption}). The key
 * {@code profile} ({@code full} or {@code ci}) is in every table and chooses the defaults.
 */
public final class Options {

    /** The prefix of the system properties read. */
    public static final String PREFIX = "fdcmkd.";

    /** The profile, in every table. */
    public static final Option<String> PROFILE = Option.choice("profile", List.of("full", "ci"),
            "the sizes: full, or a smoke run (ci) whose output goes to a separate folder", "full", "full");

    private final String command;
    private final Map<String, Option<?>> options = new LinkedHashMap<>();

    /** Creates the table of {@code command} (e.g. {@code kit main}) with {@code options} (profile is added). */
    public Options(String command, List<Option<?>> options) {
        this.command = command;
        this.options.put(PROFILE.key(), PROFILE);
        for (Option<?> option : options) {
            if (this.options.putIfAbsent(option.key(), option) != null) {
                throw new IllegalArgumentException(command + ": option '" + option.key() + "' is declared twice");
            }
        }
    }

    /** Returns the command's name. */
    public String command() {
        return command;
    }

    /** Returns the options, profile first. */
    public List<Option<?>> options() {
        return List.copyOf(options.values());
    }

    /** Thrown for a setting that cannot be used; its message is the one line to print. */
    public static final class InvalidOption extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidOption(String message) {
            super(message);
        }
    }

    /**
     * Returns the raw values of {@code fdcmkd.*} in {@code properties} and of {@code --key=value} in {@code args}
     * (arguments win), by key; a bare {@code --key} of a true|false option is {@code true}. Other arguments are
     * positional and not read here.
     *
     * @throws InvalidOption for an argument {@code --key} without {@code =value}
     */
    public Map<String, String> raw(Properties properties, String[] args) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                raw.put(name.substring(PREFIX.length()), properties.getProperty(name));
            }
        }
        for (String arg : args) {
            if (arg.startsWith("--") && !arg.equals("--help")) {
                int equals = arg.indexOf('=');
                Option<?> option = options.get(arg.substring(2));
                if (equals < 0 && option != null && option.type().equals("true|false")) {
                    raw.put(option.key(), "true"); // a bare flag, e.g. --force
                } else if (equals < 0) {
                    throw new InvalidOption(command + ": " + arg + " has no value; fix: " + arg + "=VALUE (see "
                            + command + " --help)");
                } else {
                    raw.put(arg.substring(2, equals), arg.substring(equals + 1));
                }
            }
        }
        return raw;
    }

    /**
     * Parses {@code raw} (key to text): every key must be in the table, every value must parse; the rest take the
     * profile's defaults.
     *
     * @throws InvalidOption naming the key, the value, what is allowed and the fix
     */
    public Settings parse(Map<String, String> raw) {
        for (String key : raw.keySet()) {
            if (!options.containsKey(key)) {
                throw new InvalidOption(String.format(Locale.ROOT, "%s: unknown option '%s'; known: %s; fix: remove"
                        + " -D%s%s or correct its name (%s --help lists them)", command, key,
                        String.join(", ", options.keySet()), PREFIX, key, command));
            }
        }
        Profile profile = "ci".equals(value(PROFILE, raw, Profile.FULL)) ? Profile.CI : Profile.FULL;
        Map<String, Object> values = new LinkedHashMap<>();
        for (Option<?> option : options.values()) {
            values.put(option.key(), value(option, raw, profile));
        }
        return new Settings(command, profile, values, raw);
    }

    private <T> T value(Option<T> option, Map<String, String> raw, Profile profile) {
        String text = raw.get(option.key());
        if (text == null) {
            return option.defaultValue(profile);
        }
        try {
            return option.parse().apply(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidOption(String.format(Locale.ROOT, "%s: -D%s%s=%s: %s; allowed: %s; fix: e.g. -D%s%s=%s",
                    command, PREFIX, option.key(), text, e.getMessage(), option.type(), PREFIX, option.key(),
                    Option.show(option.full() != null ? option.full() : option.ci())));
        }
    }

    /** Returns the help text: per option its key and type, its defaults under both profiles, and its meaning. */
    public String help() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s: settings as -D%s<key>=<value> (or"
                + " --<key>=<value>)%n", command, PREFIX));
        for (Option<?> option : options.values()) {
            String full = Option.show(option.full());
            String ci = Option.show(option.ci());
            text.append(String.format(Locale.ROOT, "%n  %s=<%s>%n      default %s%s%n      %s%n", option.key(),
                    option.type(), full, full.equals(ci) ? "" : " (ci: " + ci + ")", option.help()));
        }
        return text.toString();
    }
}
