package dev.cmkd.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cmkd.data.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A git repository that stores its media as git-lfs pointer files, as GitHub serves CREMA-D to a clone without
 * {@code git lfs pull}, and a media host on a {@link LoopbackServer} that serves the media's content, as GitHub's
 * LFS media host does: for testing download scripts that clone the pointers and fetch the content.
 */
public final class LfsRepository {

    private LfsRepository() {}

    /** Returns the git-lfs pointer file of {@code content} (spec v1: version, oid sha256, size). */
    public static byte[] pointer(byte[] content) {
        return ("version https://git-lfs.github.com/spec/v1\noid sha256:" + Sha256.hex(content) + "\nsize "
                + content.length + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes a git repository at {@code folder} with {@code plain} files as they are and {@code media} files as
     * pointers, commits them, and serves each medium's content on {@code server} at {@code mediaPrefix/<path>};
     * returns the repository's {@code file://} URL (a shallow clone needs one).
     */
    public static String create(Path folder, Map<String, byte[]> plain, Map<String, byte[]> media,
            LoopbackServer server, String mediaPrefix) throws IOException {
        for (Map.Entry<String, byte[]> file : plain.entrySet()) {
            write(folder.resolve(file.getKey()), file.getValue());
        }
        for (Map.Entry<String, byte[]> file : media.entrySet()) {
            write(folder.resolve(file.getKey()), pointer(file.getValue()));
            server.put(mediaPrefix + "/" + file.getKey(), file.getValue());
        }
        write(folder.resolve(".gitattributes"), ("*.wav filter=lfs diff=lfs merge=lfs -text\n*.flv filter=lfs"
                + " diff=lfs merge=lfs -text\n").getBytes(StandardCharsets.UTF_8));
        Scripts.Result commit = Scripts.bashIn(folder, Map.of("GIT_LFS_SKIP_SMUDGE", "1"), "-c", "git init -q ."
                + " && git -c filter.lfs.clean= -c filter.lfs.process= add -A && git -c user.name=kit"
                + " -c user.email=kit@localhost commit -q -m fixture");
        assertEquals(0, commit.exitCode(), commit.output());
        return "file://" + folder.toAbsolutePath();
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
