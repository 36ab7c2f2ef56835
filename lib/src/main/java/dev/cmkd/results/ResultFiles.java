package dev.cmkd.results;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import tech.tablesaw.api.Table;

/**
 * Atomic writes of result files: each file is written next to its target under a temporary name and
 * then moved into place, so a reader (or an interrupted run) never sees a partial file.
 */
public final class ResultFiles {

    /** One theme and size for every figure of the kit. */
    public static final int FIGURE_WIDTH = 800;
    /** One theme and size for every figure of the kit. */
    public static final int FIGURE_HEIGHT = 500;

    private ResultFiles() {}

    /** Writes {@code table} as CSV to {@code target}. */
    public static Path writeCsv(Table table, Path target) {
        return write(target, temporary -> table.write().csv(temporary.toFile()));
    }

    /** Writes {@code chart} as PNG to {@code target} (which should end in {@code .png}). */
    public static Path writePng(Chart<?, ?> chart, Path target) {
        return write(target, temporary -> ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png",
                temporary.toFile()));
    }

    /** Writes {@code text} (UTF-8) to {@code target}. */
    public static Path writeString(String text, Path target) {
        return write(target, temporary -> Files.writeString(temporary, text));
    }

    /** Something that writes a whole file. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the complete file at {@code path}. */
        void write(Path path) throws IOException;
    }

    /** Gives the file the usual rw-r--r-- (temporary files are created rw-------) where POSIX modes exist. */
    private static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Deletes {@code dir} and everything under it; does nothing when it does not exist. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code writer} on a temporary file beside {@code target}, then moves it into place. */
    public static Path write(Path target, Writer writer) {
        Path absolute = target.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
            try {
                writer.write(temporary);
                readableByAll(temporary);
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
            return absolute;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + absolute + ": " + e.getMessage(), e);
        }
    }
}
