package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.tasks.AvMnistTtsTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The committed notebooks' outputs are readable in a browser: no output is plain text labelled {@code text/html}
 * (a browser joins its lines into one); and every notebook names the kit's own kernel. The kernel's start-up script ({@code environment/jupyter/init.jshell}) makes
 * text outputs {@code text/plain}; this test keeps outputs committed before it, or by another kernel, honest.
 */
class NotebookOutputsTest {

    private static final Pattern MARKUP = Pattern.compile("<[a-zA-Z/!]");
    /** The kit's kernel name, its own so that a user's IJava kernel ("java") is never replaced. */
    private static final String KERNEL = "cmkd-java";

    @Test
    void noNotebookOutputIsPlainTextLabelledHtml() throws IOException {
        List<String> wrong = new ArrayList<>();
        Path notebooks = AvMnistTtsTask.repositoryRoot().resolve("notebooks");
        try (Stream<Path> files = Files.list(notebooks)) {
            for (Path notebook : files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList()) {
                JsonObject json = JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
                int cell = 0;
                for (JsonElement element : json.getAsJsonArray("cells")) {
                    JsonObject outputsOwner = element.getAsJsonObject();
                    if (outputsOwner.has("outputs")) {
                        for (JsonElement output : outputsOwner.getAsJsonArray("outputs")) {
                            JsonObject data = output.getAsJsonObject().getAsJsonObject("data");
                            if (data != null && data.has("text/html") && !MARKUP.matcher(text(data.get("text/html")))
                                    .find()) {
                                wrong.add(notebook.getFileName() + " cell " + cell);
                            }
                        }
                    }
                    cell++;
                }
            }
        }
        assertEquals(List.of(), wrong, "plain text labelled text/html; fix: run the notebooks with the kit's kernel"
                + " (notebooks/run-notebooks.sh), whose start-up script shows text as text/plain");
    }

    @Test
    void everyNotebookNamesTheKitsOwnKernelNotIJavas() throws IOException {
        Path root = AvMnistTtsTask.repositoryRoot();
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve("notebooks"))) {
            for (Path notebook : files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList()) {
                JsonObject json = JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
                String kernel = json.getAsJsonObject("metadata").getAsJsonObject("kernelspec").get("name")
                        .getAsString();
                if (!kernel.equals(KERNEL)) {
                    wrong.add(notebook.getFileName() + ": " + kernel);
                }
            }
        }
        assertEquals(List.of(), wrong, "notebooks must name the kernel '" + KERNEL + "' that"
                + " environment/setup-notebooks.sh installs (IJava's 'java' must never be replaced)");
        assertTrue(Files.readString(root.resolve("environment/setup-notebooks.sh")).contains("kernels/" + KERNEL
                + "}"), "setup-notebooks.sh installs " + KERNEL);
        assertTrue(Files.readString(root.resolve("notebooks/run-notebooks.sh")).contains("kernel_name=" + KERNEL),
                "run-notebooks.sh runs " + KERNEL);
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
