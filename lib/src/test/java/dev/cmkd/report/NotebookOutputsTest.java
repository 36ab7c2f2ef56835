package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * (a browser joins its lines into one). The kernel's start-up script ({@code environment/jupyter/init.jshell}) makes
 * text outputs {@code text/plain}; this test keeps outputs committed before it, or by another kernel, honest.
 */
class NotebookOutputsTest {

    private static final Pattern MARKUP = Pattern.compile("<[a-zA-Z/!]");

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

    private static String text(JsonElement value) {
        if (value.isJsonArray()) {
            StringBuilder text = new StringBuilder();
            value.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
            return text.toString();
        }
        return value.getAsString();
    }
}
