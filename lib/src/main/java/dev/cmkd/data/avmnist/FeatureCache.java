package dev.cmkd.data.avmnist;

import dev.cmkd.results.ResultFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Features cached on disk as two files: {@code <stem>.f32}, the raw float32 little-endian values, and
 * {@code <stem>.json}, a header describing them. The data file is written first and the header last, each
 * atomically ({@link ResultFiles#write}); an entry is used only if its header equals the expected header
 * byte for byte and the data file has exactly the expected size. Otherwise it is recomputed and
 * overwritten.
 */
final class FeatureCache {

    private final Path directory;

    FeatureCache(Path directory) {
        this.directory = directory;
    }

    Path dataFile(String stem) {
        return directory.resolve(stem + ".f32");
    }

    Path headerFile(String stem) {
        return directory.resolve(stem + ".json");
    }

    /** Returns the cached values, or null when absent or stale. */
    float[] load(String stem, String header, int expectedFloats) {
        Path headerFile = headerFile(stem);
        Path dataFile = dataFile(stem);
        try {
            if (!Files.isRegularFile(headerFile) || !Files.isRegularFile(dataFile)
                    || !Files.readString(headerFile, StandardCharsets.UTF_8).equals(header)
                    || Files.size(dataFile) != 4L * expectedFloats) {
                return null;
            }
            float[] values = new float[expectedFloats];
            ByteBuffer.wrap(Files.readAllBytes(dataFile)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read feature cache " + dataFile + ": " + e.getMessage(), e);
        }
    }

    /** Writes the values, then the header. */
    void store(String stem, String header, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        ResultFiles.write(dataFile(stem), temporary -> Files.write(temporary, bytes.array()));
        ResultFiles.writeString(header, headerFile(stem));
    }

    /** Renders a JSON object (maps, lists, strings, numbers, booleans, null), one top-level key per line. */
    static String json(Map<String, ?> object) {
        StringBuilder out = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, ?> entry : object.entrySet()) {
            out.append("  ").append(quote(entry.getKey())).append(": ");
            value(out, entry.getValue());
            out.append(++i < object.size() ? ",\n" : "\n");
        }
        return out.append("}\n").toString();
    }

    private static void value(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            out.append(quote(text));
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("JSON has no " + number);
            }
            out.append(Double.toString(number));
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            int i = 0;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(i++ == 0 ? "" : ", ").append(quote(String.valueOf(entry.getKey()))).append(": ");
                value(out, entry.getValue());
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                value(out, list.get(i));
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass());
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
