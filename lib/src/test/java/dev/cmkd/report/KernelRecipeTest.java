package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.tasks.AvMnistTtsTask;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The IJava and JJava recipes run the notebooks with what the shipped kernel gets. Neither kernel can be installed
 * here, so this checks what can be: {@code environment/jupyter/kernelspec.py} writes all three kernel.json files
 * with the same JVM flags, allocator settings and class path (each in its kernel's syntax), the set-up installs the
 * shipped kernel through it, and no committed notebook uses a kernel-specific magic.
 */
class KernelRecipeTest {

    private static final Path ROOT = AvMnistTtsTask.repositoryRoot();
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final List<String> KIT_FLAGS = List.of("-Djava.awt.headless=true", "-Dai.djl.offline=true");

    @Test
    void ijavaAndJjavaGetTheShippedKernelsFlagsAllocatorAndClassPath() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs Debian's python3 (environment/install-system-packages.sh jupyter)");
        JsonObject shipped = kernelJson("cmkd-java");
        JsonObject ijava = kernelJson("ijava");
        JsonObject jjava = kernelJson("jjava");

        List<String> flags = jvmFlags(strings(shipped.getAsJsonArray("argv")));
        assertTrue(flags.containsAll(KIT_FLAGS), "the shipped kernel's JVM flags: " + flags);
        assertEquals(flags, jvmFlags(strings(ijava.getAsJsonArray("argv"))), "IJava's JVM flags (argv)");
        assertEquals(flags, Arrays.asList(env(jjava).get("JJAVA_JVM_OPTS").split(" ")), "JJava's JVM_OPTS");

        List<String> classPath = Arrays.asList(env(shipped).get("RJK_CLASSPATH").split(";"));
        assertEquals(List.of(ROOT.resolve("lib/target/classes").toString(),
                ROOT.resolve("lib/target/lib").toString() + File.separator + "*.jar"), classPath,
                "the shipped class path: the built library");
        assertEquals(classPath, Arrays.asList(env(ijava).get("IJAVA_CLASSPATH").split(File.pathSeparator)),
                "IJAVA_CLASSPATH");
        assertEquals(classPath, Arrays.asList(env(jjava).get("JJAVA_CLASSPATH").split(File.pathSeparator)),
                "JJAVA_CLASSPATH");

        for (JsonObject recipe : List.of(ijava, jjava)) {
            for (Map.Entry<String, String> entry : env(shipped).entrySet()) {
                if (entry.getKey().startsWith("MALLOC_")) {
                    assertEquals(entry.getValue(), env(recipe).get(entry.getKey()), entry.getKey());
                }
            }
            assertEquals("java", recipe.get("language").getAsString());
        }
        assertTrue(env(shipped).containsKey("MALLOC_MMAP_THRESHOLD_"), "allocator settings");
        assertTrue(strings(shipped.getAsJsonArray("argv")).contains("dev.cmkd.jupyter.KernelLauncher"),
                "the shipped kernel starts through the kit's launcher (start-up race, issue 16)");
    }

    @Test
    void theSetUpWritesTheShippedKernelWithTheSameGenerator() throws IOException {
        String setUp = Files.readString(ROOT.resolve("environment/setup-notebooks.sh"));
        assertTrue(setUp.contains("environment/jupyter/kernelspec.py\" cmkd-java"), "setup-notebooks.sh uses kernelspec.py");
        assertTrue(setUp.contains("environment/jupyter/launcher"), "setup-notebooks.sh compiles the launcher");
        String readme = Files.readString(ROOT.resolve("notebooks/README.md"));
        assertTrue(readme.contains("kernelspec.py ijava") && readme.contains("kernelspec.py jjava"),
                "notebooks/README.md gives the IJava and JJava recipes");
    }

    @Test
    void noNotebookUsesAKernelSpecificMagic() throws IOException {
        List<String> magics = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
            for (Path notebook : files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList()) {
                JsonObject json = JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
                int cell = 0;
                for (JsonElement element : json.getAsJsonArray("cells")) {
                    JsonObject c = element.getAsJsonObject();
                    if (c.get("cell_type").getAsString().equals("code")) {
                        for (String line : source(c).split("\n")) {
                            if (line.strip().startsWith("%")) {   // %jar, %%jars, %maven, %dependency, %classpath, ...
                                magics.add(notebook.getFileName() + " cell " + cell + ": " + line.strip());
                            }
                        }
                    }
                    cell++;
                }
            }
        }
        assertEquals(List.of(), magics, "kernel-specific magics; the kernel's class path (kernelspec.py) replaces them");
    }

    private static JsonObject kernelJson(String kind) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                ROOT.resolve("environment/jupyter/kernelspec.py").toString(), kind, "--dir", "/kernels/" + kind,
                "--jar", "/kernels/" + kind + "/kernel.jar", "--java", "/jdk/bin/java", "--print"));
        if (kind.equals("jjava")) {
            command.addAll(List.of("--launcher-jar", "/kernels/jjava/jjava-launcher.jar"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kernelspec.py " + kind + " did not finish");
        assertEquals(0, process.exitValue(), "kernelspec.py " + kind + ": " + out);
        return JsonParser.parseString(out).getAsJsonObject();
    }

    /** The -D/-X/-- options of an argv, in order (what comes between the JVM and its main class or jar). */
    private static List<String> jvmFlags(List<String> argv) {
        List<String> flags = new ArrayList<>();
        for (String arg : argv.subList(1, argv.size())) {
            if (arg.equals("-jar") || arg.equals("-cp")) {
                break;
            }
            flags.add(arg);
        }
        return flags;
    }

    private static Map<String, String> env(JsonObject kernel) {
        Map<String, String> env = new TreeMap<>();
        kernel.getAsJsonObject("env").entrySet().forEach(e -> env.put(e.getKey(), e.getValue().getAsString()));
        return env;
    }

    private static List<String> strings(JsonArray array) {
        List<String> list = new ArrayList<>();
        array.forEach(e -> list.add(e.getAsString()));
        return list;
    }

    private static String source(JsonObject cell) {
        JsonElement source = cell.get("source");
        if (source.isJsonArray()) {
            StringBuilder text = new StringBuilder();
            source.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
            return text.toString();
        }
        return source.getAsString();
    }
}
