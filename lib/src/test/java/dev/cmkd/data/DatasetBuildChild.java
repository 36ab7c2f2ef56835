package dev.cmkd.data;

import java.nio.file.Path;

/**
 * A job that builds a dataset folder in its own JVM, for {@link DatasetBuildTest}: {@code DatasetBuildChild FOLDER
 * SCRIPT} runs {@code bash SCRIPT FOLDER} through {@link DatasetBuild#ensure} (manifest {@code manifest}, working
 * directory the folder's parent) and prints {@code built}, or {@code failed: <message>} and exits 1.
 */
public final class DatasetBuildChild {

    private DatasetBuildChild() {}

    public static void main(String[] args) {
        Path folder = Path.of(args[0]);
        try {
            DatasetBuild.ensure(folder, "manifest", folder.toAbsolutePath().getParent(), args[1], folder.toString());
            System.out.println("built");
        } catch (RuntimeException e) {
            System.out.println("failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
