package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.tasks.AvMnistTtsTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The notebooks' outputs are readable and honest (issue 16): every output is text ({@code text/plain}) or real
 * markup, never plain text labelled {@code text/html} (a browser joins its lines into one); no Java {@code toString}
 * noise ({@code [I@3ded34b2}, {@code ListN{...}}, {@code Name@1a2b3c}, record dumps, 16-digit doubles); no output
 * line longer than {@value #MAX_LINE} characters; the first markdown cell says how to start the notebook (the set-up
 * script, the Notebook UI flag, the kernel name) and how long its training cells run; a notebook whose outputs come
 * from a synthetic stand-in says SYNTHETIC in the title of every table and in its closing conclusions; and every
 * notebook names the kit's own kernel.
 *
 * <p>The output checks read the committed notebooks by default; {@code -Dcmkd.notebooks=<folder>} points them at a
 * folder of executed notebooks instead, e.g. the smoke run's {@code lib/target/executed-notebooks} ({@code
 * notebooks/run-notebooks.sh --smoke}). The kernel's start-up script ({@code environment/jupyter/init.jshell}) makes
 * text outputs {@code text/plain}, and {@link PlainText} formats every table, list and sentence the notebooks show.
 */
class NotebookOutputsTest {

    /** The longest output line allowed (tables are cut at {@link PlainText#TABLE_WIDTH}, prose at 120). */
    static final int MAX_LINE = 160;
    private static final Pattern MARKUP = Pattern.compile("<[a-zA-Z/!]");
    /** The kit's kernel name, its own so that a user's IJava kernel ("java") is never replaced. */
    private static final String KERNEL = "cmkd-java";
    /** Java's default toString of arrays, immutable lists, objects and records, and unrounded doubles. */
    private static final Map<String, Pattern> NOISE = Map.of(
            "array toString", Pattern.compile("\\[+[IJDFZBCS]@[0-9a-f]{4,}|\\[+L[\\w.$]+;@[0-9a-f]{4,}"),
            "immutable-list toString", Pattern.compile("\\bList(N|12)\\{"),
            "object toString (Name@hash)", Pattern.compile("\\b[A-Za-z_$][\\w.$]*@[0-9a-f]{6,8}\\b"),
            "record dump", Pattern.compile("\\b(Result|Settings|[A-Z]\\w*Config|[A-Z]\\w*Report)\\[\\w+="),
            "unrounded double", Pattern.compile("\\d\\.\\d{12,}"));
    /** A table's rule line, as {@link PlainText#table} and Tablesaw draw it. */
    private static final Pattern RULE = Pattern.compile("(?m)^\\s*-{3,}[- |]*$");
    private static final Pattern SYNTHETIC_SOURCE = Pattern.compile("SYNTHETIC|(?i)synthetic (stand-in|fixture)");

    @Test
    void noOutputIsPlainTextLabelledHtml() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path notebook : notebooks()) {
            forEachOutput(notebook, (cell, mime, text) -> {
                if (mime.equals("text/html") && !MARKUP.matcher(text).find()) {
                    wrong.add(notebook.getFileName() + " cell " + cell);
                }
            });
        }
        assertEquals(List.of(), wrong, "plain text labelled text/html; fix: run the notebooks with the kit's kernel"
                + " (notebooks/run-notebooks.sh), whose start-up script shows text as text/plain");
    }

    @Test
    void noOutputHoldsJavaToStringNoise() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path notebook : notebooks()) {
            forEachOutput(notebook, (cell, mime, text) -> NOISE.forEach((kind, pattern) -> {
                Matcher match = pattern.matcher(text);
                if (match.find()) {
                    wrong.add(notebook.getFileName() + " cell " + cell + ": " + kind + " '" + match.group() + "'");
                }
            }));
        }
        assertEquals(List.of(), wrong, "Java toString noise in outputs; fix: show values through PlainText (tables,"
                + " files, sentences) or a toString of their own, and round numbers");
    }

    @Test
    void noOutputLineIsLongerThanTheLimit() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path notebook : notebooks()) {
            forEachOutput(notebook, (cell, mime, text) -> text.lines().filter(line -> line.length() > MAX_LINE)
                    .findFirst().ifPresent(line -> wrong.add(notebook.getFileName() + " cell " + cell + ": "
                            + line.length() + " characters: " + line.substring(0, 60).strip() + "...")));
        }
        assertEquals(List.of(), wrong, "output lines longer than " + MAX_LINE + " characters; fix: format with"
                + " PlainText (tables are cut into column blocks, sentences wrapped)");
    }

    @Test
    void everyNotebookSaysHowToStartItAndHowLongItTrains() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path notebook : notebooks()) {
            String header = firstMarkdown(notebook);
            List<String> missing = new ArrayList<>();
            if (!header.contains("environment/setup-notebooks.sh")) {
                missing.add("the set-up command environment/setup-notebooks.sh");
            }
            if (!header.contains("--ui")) {
                missing.add("--ui for the Notebook UI");
            }
            if (!header.contains(KERNEL)) {
                missing.add("the kernel name " + KERNEL);
            }
            if (!Pattern.compile("(?i)run time").matcher(header).find()
                    || !Pattern.compile("\\d+ (min|minutes|s|seconds|hours?)\\b").matcher(header).find()) {
                missing.add("the run time of its training cells, with a figure");
            }
            if (!missing.isEmpty()) {
                wrong.add(notebook.getFileName() + " lacks " + String.join(", ", missing));
            }
        }
        assertEquals(List.of(), wrong, "the first markdown cell of every notebook says how to start it");
    }

    @Test
    void syntheticOutputsSaySyntheticInEveryTableTitleAndInTheConclusions() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path notebook : notebooks()) {
            List<String[]> outputs = new ArrayList<>();
            forEachOutput(notebook, (cell, mime, text) -> outputs.add(new String[] {Integer.toString(cell), text}));
            if (outputs.stream().noneMatch(output -> SYNTHETIC_SOURCE.matcher(output[1]).find())) {
                continue;
            }
            for (String[] output : outputs) {
                Matcher rule = RULE.matcher(output[1]);
                if (rule.find() && !output[1].substring(0, rule.start()).contains("SYNTHETIC")) {
                    wrong.add(notebook.getFileName() + " cell " + output[0] + ": a table without SYNTHETIC in its"
                            + " title");
                }
            }
            String last = outputs.get(outputs.size() - 1)[1];
            if (!last.contains("SYNTHETIC")) {
                wrong.add(notebook.getFileName() + ": its last output (the conclusions) does not say SYNTHETIC");
            }
        }
        assertEquals(List.of(), wrong, "outputs computed from a synthetic stand-in must say SYNTHETIC; fix: label"
                + " them with PlainText.synthetic (from BenchmarkReport.synthetic(), not by hand)");
    }

    @Test
    void everyNotebookNamesTheKitsOwnKernelNotIJavas() throws IOException {
        Path root = AvMnistTtsTask.repositoryRoot();
        List<String> wrong = new ArrayList<>();
        for (Path notebook : committed()) {
            JsonObject json = JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
            String kernel = json.getAsJsonObject("metadata").getAsJsonObject("kernelspec").get("name").getAsString();
            if (!kernel.equals(KERNEL)) {
                wrong.add(notebook.getFileName() + ": " + kernel);
            }
        }
        assertEquals(List.of(), wrong, "notebooks must name the kernel '" + KERNEL + "' that"
                + " environment/setup-notebooks.sh installs (IJava's 'java' must never be replaced)");
        assertTrue(Files.readString(root.resolve("environment/setup-notebooks.sh")).contains("kernels/" + KERNEL
                + "}"), "setup-notebooks.sh installs " + KERNEL);
        assertTrue(Files.readString(root.resolve("notebooks/run-notebooks.sh")).contains("kernel_name=" + KERNEL),
                "run-notebooks.sh runs " + KERNEL);
    }

    /** The notebooks whose outputs are checked: {@code -Dcmkd.notebooks=<folder>}, or the committed ones. */
    private static List<Path> notebooks() throws IOException {
        String folder = System.getProperty("cmkd.notebooks", "");
        if (folder.isBlank()) {
            return committed();
        }
        Path dir = Path.of(folder).isAbsolute() ? Path.of(folder) : AvMnistTtsTask.repositoryRoot().resolve(folder);
        List<Path> found = list(dir);
        assertFalse(found.isEmpty(), "no notebook in " + dir);
        return found;
    }

    private static List<Path> committed() throws IOException {
        return list(AvMnistTtsTask.repositoryRoot().resolve("notebooks"));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    private static String firstMarkdown(Path notebook) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
        for (JsonElement element : json.getAsJsonArray("cells")) {
            JsonObject cell = element.getAsJsonObject();
            if (cell.get("cell_type").getAsString().equals("markdown")) {
                return text(cell.get("source"));
            }
        }
        return "";
    }

    /** What {@link #forEachOutput} hands over: the cell's index, the output's mime type, its text. */
    private interface OutputVisitor {
        void visit(int cell, String mime, String text);
    }

    /** Visits every text output of {@code notebook}: each mime bundle's text entries, streams and errors. */
    private static void forEachOutput(Path notebook, OutputVisitor visitor) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
        JsonArray cells = json.getAsJsonArray("cells");
        for (int cell = 0; cell < cells.size(); cell++) {
            JsonObject owner = cells.get(cell).getAsJsonObject();
            if (!owner.has("outputs")) {
                continue;
            }
            for (JsonElement element : owner.getAsJsonArray("outputs")) {
                JsonObject output = element.getAsJsonObject();
                JsonObject data = output.getAsJsonObject("data");
                if (data != null) {
                    for (String mime : data.keySet()) {
                        if (mime.startsWith("text/")) {
                            visitor.visit(cell, mime, text(data.get(mime)));
                        }
                    }
                } else if (output.has("text")) {
                    visitor.visit(cell, "stream", text(output.get("text")));
                }
            }
        }
    }

    private static String text(JsonElement value) {
        if (value.isJsonArray()) {
            StringBuilder text = new StringBuilder();
            value.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
            return text.toString();
        }
        return value.getAsString();
    }
}
