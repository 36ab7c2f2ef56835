package dev.cmkd.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One setting of an entry point: its key ({@code -Dfdcmkd.<key>=...} or {@code --<key>=...}), its type, its default
 * under each profile ({@code full}, {@code ci}) and its help text. A value is parsed and checked by {@code parse},
 * which throws {@link IllegalArgumentException} with what is wrong; {@link Options} turns that into one line naming
 * the key, the value and the fix.
 *
 * @param key the key, e.g. {@code batchSize}
 * @param type the type in help texts, e.g. {@code integer >= 1}
 * @param help what the setting does
 * @param full the default of the {@code full} profile (null: none, the setting is optional)
 * @param ci the default of the {@code ci} profile (null: none)
 * @param parse parses and checks a value
 * @param <T> the value's type
 */
public record Option<T>(String key, String type, String help, T full, T ci, Function<String, T> parse) {

    /** Returns the default of {@code profile}. */
    public T defaultValue(Profile profile) {
        return profile == Profile.CI ? ci : full;
    }

    /** Returns this option with other defaults (a task's own sizes for a shared key). */
    public Option<T> withDefaults(T full, T ci) {
        return new Option<>(key, type, help, full, ci, parse);
    }

    /** A whole number of at least {@code min}. */
    public static Option<Integer> integer(String key, int min, String help, Integer full, Integer ci) {
        return new Option<>(key, "integer >= " + min, help, full, ci, text -> atLeast(min, parseInt(text)));
    }

    /** A number ({@code NaN} allowed). */
    public static Option<Double> number(String key, String help, Double full, Double ci) {
        return new Option<>(key, "number", help, full, ci, text -> {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
        });
    }

    /** {@code true} or {@code false}. */
    public static Option<Boolean> flag(String key, String help, Boolean full, Boolean ci) {
        return new Option<>(key, "true|false", help, full, ci, text -> {
            String value = text.trim().toLowerCase(Locale.ROOT);
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException("not true or false");
            }
            return Boolean.parseBoolean(value);
        });
    }

    /** A path. */
    public static Option<Path> path(String key, String help, Path full, Path ci) {
        return new Option<>(key, "path", help, full, ci, text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("an empty path");
            }
            return Path.of(text.trim());
        });
    }

    /** One of {@code allowed}. */
    public static Option<String> choice(String key, List<String> allowed, String help, String full, String ci) {
        return new Option<>(key, String.join("|", allowed), help, full, ci, text -> oneOf(allowed, text.trim()));
    }

    /** One of the constants of {@code type}, each named by its {@code toString()}. */
    public static <E extends Enum<E>> Option<E> choice(String key, Class<E> type, String help, E full, E ci) {
        List<E> values = List.of(type.getEnumConstants());
        List<String> labels = values.stream().map(String::valueOf).toList();
        return new Option<>(key, String.join("|", labels), help, full, ci,
                text -> values.get(labels.indexOf(oneOf(labels, text.trim()))));
    }

    /** A comma-separated list of some of {@code allowed}, in any order, at least one. */
    public static Option<List<String>> choices(String key, List<String> allowed, String help, List<String> full,
            List<String> ci) {
        return new Option<>(key, "list of " + String.join("|", allowed), help, full, ci, text -> {
            List<String> values = items(text);
            values.forEach(value -> oneOf(allowed, value));
            return values;
        });
    }

    /** A comma-separated list of whole numbers of at least 0, at least one. */
    public static Option<List<Long>> seeds(String key, String help, List<Long> full, List<Long> ci) {
        return new Option<>(key, "list of integers >= 0", help, full, ci, text -> items(text).stream()
                .map(item -> (long) atLeast(0, parseInt(item))).toList());
    }

    /** A comma-separated list of whole numbers of at least {@code min}, at least one. */
    public static Option<List<Integer>> integers(String key, int min, String help, List<Integer> full,
            List<Integer> ci) {
        return new Option<>(key, "list of integers >= " + min, help, full, ci, text -> items(text).stream()
                .map(item -> atLeast(min, parseInt(item))).toList());
    }

    /** A comma-separated list of finite numbers, at least one. */
    public static Option<List<Double>> numbers(String key, String help, List<Double> full, List<Double> ci) {
        return new Option<>(key, "list of numbers", help, full, ci, text -> items(text).stream().map(item -> {
            try {
                double value = Double.parseDouble(item);
                if (!Double.isFinite(value)) {
                    throw new IllegalArgumentException("'" + item + "' is not finite");
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + item + "' is not a number");
            }
        }).toList());
    }

    /** An image size {@code HxW}, both at least 1. */
    public static Option<int[]> size(String key, String help, int[] full, int[] ci) {
        return new Option<>(key, "HxW", help, full, ci, text -> {
            String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
            if (parts.length != 2) {
                throw new IllegalArgumentException("not of the form HxW, e.g. 384x512");
            }
            return new int[] {atLeast(1, parseInt(parts[0])), atLeast(1, parseInt(parts[1]))};
        });
    }

    /** Returns {@code value} as help texts show it. */
    public static String show(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof int[] size) {
            return size.length == 2 ? size[0] + "x" + size[1] : Arrays.toString(size);
        }
        if (value instanceof long[] numbers) {
            return Arrays.toString(numbers);
        }
        if (value instanceof double[] numbers) {
            return Arrays.toString(numbers);
        }
        if (value instanceof Object[] array) {
            return Arrays.deepToString(array);
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "(none)" : String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Integer number && number == Integer.MAX_VALUE) {
            return "all";
        }
        return String.valueOf(value);
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static int atLeast(int min, int value) {
        if (value < min) {
            throw new IllegalArgumentException(value + " is below the minimum " + min);
        }
        return value;
    }

    private static String oneOf(List<String> allowed, String value) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("'" + value + "' is not one of " + allowed);
        }
        return value;
    }

    private static List<String> items(String text) {
        List<String> items = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new IllegalArgumentException("an empty list");
        }
        return items;
    }
}
