package dev.cmkd.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What identifies the data of a run, for its {@code config.json}: the folder as it was given, a digest of what the
 * folder holds, and every setting that changes what is loaded from it (SNR, pairs kept, image size, ...). A rebuilt
 * or edited dataset changes the digest, so its runs are not read back as if they were the new data's.
 *
 * <p>The digest is the SHA-256 of the folder's {@code manifest.sha256} when it has one (the embedded dataset, whose
 * manifest lists the SHA-256 of every file); otherwise of its listing: every regular file below it, outside hidden
 * folders, as relative path, size and modification time, sorted. The listing is read in seconds even for large
 * datasets; it sees a file that is added, removed, resized or rewritten (a rewrite changes the time), and a copy
 * that does not keep modification times reads as other data.
 */
public final class DataIdentity {

    /** The manifest that, when present, identifies a folder. */
    public static final String MANIFEST = "manifest.sha256";

    private DataIdentity() {}

    /** Returns {@code folder} (normalised, as given), its digest and {@code settings}, in that order. */
    public static Map<String, Object> of(Path folder, Map<String, Object> settings) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("folder", folder.normalize().toString());
        Path manifest = folder.resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            identity.put("manifestSha256", Sha256.hex(manifest));
        } else {
            identity.put("listingSha256", listingDigest(folder));
        }
        identity.putAll(settings);
        return identity;
    }

    /** Returns the SHA-256 of the sorted listing of {@code folder}: relative path, size and time of each file. */
    static String listingDigest(Path folder) {
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !hidden(folder.relativize(f))).sorted()
                    .toList()) {
                listing.append(folder.relativize(file)).append('\t').append(Files.size(file)).append('\t')
                        .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException("cannot list " + folder + " to identify its data: " + e.getMessage() + "; fix:"
                    + " check that the folder exists and is readable");
        }
        return Sha256.hex(listing.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
