package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.tasks.AvMnistTtsTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The GPU container cannot be built here (no GPU, no Docker daemon), so this checks what can be: the recipe
 * runs the very scripts CI runs, with the cu121 profile, and the scripts pass that profile to Maven.
 */
class EnvironmentScriptsTest {

    private static final Path ROOT = AvMnistTtsTask.repositoryRoot();

    @Test
    void theGpuRecipeRunsCisSetUpScriptsWithTheCu121Profile() throws Exception {
        String recipe = Files.readString(ROOT.resolve("environment/gpu/Dockerfile"));
        assertTrue(recipe.contains("ARG BASE=nvidia/cuda:12.1"), "CUDA 12.1 runtime base");
        assertTrue(recipe.contains("openjdk-17-jdk-headless"), "JDK 17");
        assertTrue(recipe.contains("CMKD_MAVEN_PROFILE=cu121"), "cu121 profile");
        assertTrue(recipe.contains("environment/setup-notebooks.sh"), "the notebooks' set-up script");
        Matcher scripts = Pattern.compile("(environment|lib/bin|data-scripts)/[\\w./-]+").matcher(recipe);
        while (scripts.find()) {
            Path script = ROOT.resolve(scripts.group());
            assertTrue(Files.exists(script), "the recipe names a missing file: " + scripts.group());
        }
        for (String script : List.of("lib/bin/kit", "environment/setup-notebooks.sh")) {
            assertTrue(Files.readString(ROOT.resolve(script)).contains("${CMKD_MAVEN_PROFILE:+-P\"$CMKD_MAVEN_PROFILE\"}"),
                    script + " must build with the profile the recipe sets");
        }
        assertTrue(Files.readString(ROOT.resolve("pom.xml")).contains("<id>cu121</id>"), "the cu121 profile");
    }
}
