package dev.cmkd.data.crisis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cmkd.data.Sha256;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CrisisMMD data scripts against a local fake source: download.sh (fresh, resumed, wrong checksum, wrong
 * size) from a JDK HTTP server on loopback that honours byte ranges, and prepare.sh on the synthetic raw
 * fixture in the official formats.
 */
class CrisisMmdScriptsTest {

    private static final Path SCRIPTS = repositoryRoot().resolve("data-scripts/crisismmd");

    @TempDir
    Path temp;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> ranges = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(1);
            byte[] body = served.get(name);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            int from = 0;
            if (range != null) {
                synchronized (ranges) {
                    ranges.add(range);
                }
                Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
                if (m.find()) {
                    from = Integer.parseInt(m.group(1));
                }
            }
            byte[] part = Arrays.copyOfRange(body, Math.min(from, body.length), body.length);
            if (from > 0) {
                exchange.getResponseHeaders().add("Content-Range",
                        "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(from > 0 ? 206 : 200, head ? -1 : part.length);
            if (head) {
                exchange.getResponseHeaders();
            } else {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(part);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A valid zip archive of {@code size} bytes or more, deterministic. */
    private static byte[] zip(int entries) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            for (int i = 0; i < entries; i++) {
                out.putNextEntry(new java.util.zip.ZipEntry("f" + i + ".txt"));
                out.write(("entry " + i + " ").repeat(50).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private Path sources(String... lines) throws IOException {
        Path file = temp.resolve("sources.tsv");
        Files.writeString(file, "# file\tbytes\tsha256\tnote\n" + String.join("\n", lines) + "\n");
        return file;
    }

    private Result download(Path dir, Path sources) throws Exception {
        return run(List.of("bash", SCRIPTS.resolve("download.sh").toString(), dir.toString()),
                Map.of("CRISISMMD_BASE_URL", baseUrl(), "CRISISMMD_SOURCES", sources.toString()));
    }

    @Test
    void downloadsChecksAndRecordsUnknownChecksums() throws Exception {
        byte[] a = zip(20);
        byte[] b = zip(7);
        served.put("a.zip", a);
        served.put("b.zip", b);
        Path dir = temp.resolve("download");
        Result result = download(dir, sources("a.zip\t" + a.length + "\t" + Sha256.hex(a) + "\tknown",
                "b.zip\t-\t-\tunknown"));
        assertEquals(0, result.code, result.output);
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("a.zip")));
        assertArrayEquals(b, Files.readAllBytes(dir.resolve("b.zip")));
        assertEquals(Sha256.hex(b) + "  b.zip\n", Files.readString(dir.resolve("SHA256SUMS.observed")));
        Result again = download(dir, sources("a.zip\t" + a.length + "\t" + Sha256.hex(a) + "\tknown",
                "b.zip\t-\t-\tunknown"));
        assertEquals(0, again.code, again.output);
        assertTrue(again.output.contains("a.zip: present and checked"), again.output);
    }

    @Test
    void resumesAPartialDownloadWithARangeRequest() throws Exception {
        byte[] a = zip(40);
        served.put("a.zip", a);
        Path dir = temp.resolve("download");
        Files.createDirectories(dir);
        Files.write(dir.resolve("a.zip.part"), Arrays.copyOf(a, a.length / 3));
        Result result = download(dir, sources("a.zip\t" + a.length + "\t" + Sha256.hex(a) + "\tknown"));
        assertEquals(0, result.code, result.output);
        assertTrue(result.output.contains("resuming after " + a.length / 3 + " bytes"), result.output);
        assertEquals(List.of("bytes=" + a.length / 3 + "-"), ranges);
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("a.zip")));
        assertFalse(Files.exists(dir.resolve("a.zip.part")));
    }

    @Test
    void stopsOnAWrongChecksumAndKeepsNoFinalFile() throws Exception {
        byte[] a = zip(5);
        served.put("a.zip", a);
        Path dir = temp.resolve("download");
        Result result = download(dir, sources("a.zip\t" + a.length + "\t" + "0".repeat(64) + "\tknown"));
        assertEquals(1, result.code, result.output);
        assertTrue(result.output.contains("has sha256 " + Sha256.hex(a) + ", sources.tsv records " + "0".repeat(64)),
                result.output);
        assertTrue(result.output.contains("delete " + dir.resolve("a.zip.part") + " and run download.sh again"),
                result.output);
        assertFalse(Files.exists(dir.resolve("a.zip")));
    }

    @Test
    void stopsOnAWrongSizeAndOnACorruptArchive() throws Exception {
        byte[] a = zip(5);
        served.put("a.zip", a);
        Path dir = temp.resolve("download");
        Result size = download(dir, sources("a.zip\t" + (a.length + 10) + "\t-\trecorded"));
        assertEquals(1, size.code, size.output);
        assertTrue(size.output.contains("has " + a.length + " of " + (a.length + 10)
                + " bytes: the download is incomplete; run download.sh again to resume"), size.output);
        Files.delete(dir.resolve("a.zip.part"));
        byte[] corrupt = a.clone();
        corrupt[corrupt.length / 2] ^= 0x5A;
        corrupt[30] ^= 0x5A;
        served.put("a.zip", corrupt);
        Result archive = download(dir, sources("a.zip\t-\t-\tunknown"));
        assertEquals(1, archive.code, archive.output);
        assertTrue(archive.output.contains("is not a readable archive (a.zip)"), archive.output);
    }

    @Test
    void stopsWithTheCommandWhenTheSourceIsGone() throws Exception {
        Result result = download(temp.resolve("download"), sources("missing.zip\t-\t-\tunknown"));
        assertEquals(1, result.code, result.output);
        assertTrue(result.output.contains("HTTP error"), result.output);
        assertTrue(result.output.contains("CRISISMMD_BASE_URL"), result.output);
    }

    @Test
    void preparesTheRawFixture() throws Exception {
        Path download = temp.resolve("download");
        CrisisMmdFixture.writeDownload(download, 1);
        Path out = temp.resolve("prepared");
        boolean ffmpeg = run(List.of("bash", "-c", "command -v ffmpeg"), Map.of()).code == 0;
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve("prepare.sh").toString(),
                "--download-dir", download.toString(), "--raw-dir", temp.resolve("raw").toString(), "--out",
                out.toString()));
        if (ffmpeg) {
            command.addAll(List.of("--image-size", "16"));
        } else {
            command.addAll(List.of("--image-size", "0"));
        }
        Result result = run(command, Map.of());
        assertEquals(0, result.code, result.output);

        List<String> train = Files.readAllLines(out.resolve("train.csv"));
        assertEquals(String.join(",", CrisisMmdLoader.COLUMNS), train.get(0));
        // 8 samples + a second image of one tweet; the duplicate row and the image also in test are dropped
        assertEquals(1 + 9, train.size());
        assertEquals("900000000000000000_0,900000000000000000,hurricane_harvey,images/900000000000000000_0.jpg,"
                + CrisisMmdFixture.FIRST_TWEET_NORMALISED + ",affected_individuals",
                train.get(1));
        assertEquals("900000000000000003_0,900000000000000003,california_wildfires,images/900000000000000003_0.jpg,"
                + "storm surge @USER missing or found people update number 0 HTTPURL :crying_face:,"
                + "missing_or_found_people", train.get(4));
        assertTrue(train.stream().anyMatch(l -> l.startsWith("900000000000000001_1,900000000000000001,")));
        assertEquals(1 + 8, Files.readAllLines(out.resolve("val.csv")).size());
        assertEquals(1 + 8, Files.readAllLines(out.resolve("test.csv")).size());
        String dropped = Files.readString(out.resolve("dropped.csv"));
        assertTrue(dropped.contains("train,900000000000000002_0,900000000000000002,"
                + "11,duplicate image_id in the same split"), dropped);
        assertTrue(dropped.contains("train,900000000000000016_0,900000000000000016,12,image_id also in test"), dropped);
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"train\": 11"), summary);
        assertTrue(summary.contains("\"rowsDropped\": 2"), summary);

        BufferedImage image = ImageIO.read(out.resolve("images/900000000000000000_0.jpg").toFile());
        if (ffmpeg) {
            assertEquals(16, Math.min(image.getWidth(), image.getHeight()));
        }
        CrisisMmdLoader.Dataset data = CrisisMmdLoader.builder().optImageSize(16).build().load(out);
        assertEquals(9, data.train().size());
        assertEquals(8, data.test().size());

        Result rerun = run(command, Map.of());
        assertEquals(0, rerun.code, rerun.output);
        assertFalse(rerun.output.contains("unpacking"), rerun.output);
    }

    @Test
    void prepareSaysWhatToDoWhenTheDownloadIsMissing() throws Exception {
        Result result = run(List.of("bash", SCRIPTS.resolve("prepare.sh").toString(), "--download-dir",
                temp.resolve("nothing").toString(), "--raw-dir", temp.resolve("raw").toString(), "--out",
                temp.resolve("out").toString(), "--image-size", "0"), Map.of());
        assertEquals(1, result.code, result.output);
        assertTrue(result.output.contains("CrisisMMD_v2.0.tar.gz is missing"), result.output);
        assertTrue(result.output.contains("run data-scripts/crisismmd/download.sh first"), result.output);
    }

    private record Result(int code, String output) {}

    private static Result run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data-scripts/crisismmd"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no data-scripts/crisismmd at or above " + Path.of("").toAbsolutePath());
    }
}
