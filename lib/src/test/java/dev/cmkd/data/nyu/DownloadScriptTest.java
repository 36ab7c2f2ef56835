package dev.cmkd.data.nyu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import dev.cmkd.data.Sha256;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * download.sh against a fake source on loopback (a JDK HttpServer that honours byte ranges): a complete
 * download, the resume of a partial one, a server that stops early (its message names the path, size and digest
 * of a file placed by hand), a file placed by hand, and a file of the wrong size.
 */
class DownloadScriptTest {

    private static final byte[] BIG = pattern(50_000);
    private static final byte[] SMALL = pattern(2_626);

    @TempDir
    Path dir;
    private HttpServer server;
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    /** When positive, the server sends only this many bytes of a response and then ends it. */
    private volatile int cutAfter;

    private static byte[] pattern(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        return bytes;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/big.mat", exchange -> serve(exchange, BIG));
        server.createContext("/splits.mat", exchange -> serve(exchange, SMALL));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange, byte[] content) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "none" : range);
        int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
        byte[] body = Arrays.copyOfRange(content, from, content.length);
        if (range != null) {
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/"
                    + content.length);
        }
        // A cut response is sent without a length (chunked) and ends early: the connection drops mid-file.
        exchange.sendResponseHeaders(range == null ? 200 : 206, cutAfter > 0 ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body, 0, cutAfter > 0 ? Math.min(cutAfter, body.length) : body.length);
        }
    }

    private Path sources(long bigSize) throws IOException {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Files.writeString(dir.resolve("sources.tsv"), "# test sources\n"
                + "nyu_depth_v2_labeled.mat\t" + bigSize + "\t-\t" + base + "/big.mat\n"
                + "splits.mat\t2626\t-\t" + base + "/splits.mat\n");
    }

    private Scripts.Result download(Path sources) throws Exception {
        return Scripts.run(List.of("bash", Scripts.script("download.sh").toString(), dir.resolve("raw").toString(),
                "--sources", sources.toString()), Map.of());
    }

    @Test
    void downloadsChecksSizesAndRecordsChecksums() throws Exception {
        Scripts.Result result = download(sources(BIG.length));
        assertEquals(0, result.exitCode(), result.output());
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("raw/nyu_depth_v2_labeled.mat")));
        assertArrayEquals(SMALL, Files.readAllBytes(dir.resolve("raw/splits.mat")));
        String recorded = Files.readString(dir.resolve("raw/downloads.tsv"));
        assertTrue(recorded.contains("nyu_depth_v2_labeled.mat\t50000\t") && recorded.contains("splits.mat\t2626\t"),
                recorded);
        Scripts.Result again = download(sources(BIG.length));
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("already downloaded"), again.output());
        assertEquals(2, ranges.size(), "nothing is fetched twice: " + ranges);
    }

    @Test
    void resumesAPartialDownload() throws Exception {
        Files.createDirectories(dir.resolve("raw"));
        Files.write(dir.resolve("raw/nyu_depth_v2_labeled.mat.part"), Arrays.copyOf(BIG, 20_000));
        Scripts.Result result = download(sources(BIG.length));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("resuming nyu_depth_v2_labeled.mat at byte 20000"), result.output());
        assertEquals("bytes=20000-", ranges.get(0));
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("raw/nyu_depth_v2_labeled.mat")));
        assertFalse(Files.exists(dir.resolve("raw/nyu_depth_v2_labeled.mat.part")));
    }

    @Test
    void anInterruptedDownloadSaysRerunAndTheRerunCompletesIt() throws Exception {
        cutAfter = 12_345;
        Scripts.Result first = download(sources(BIG.length));
        assertNotEquals(0, first.exitCode(), first.output());
        assertTrue(first.output().contains("partial download") && first.output().contains("rerun this script to"
                + " resume"), first.output());
        assertTrue(first.output().contains("If the host stays unreachable, fetch nyu_depth_v2_labeled.mat another way"
                + " (a browser, another machine, a mirror) and place it at " + dir.resolve("raw")
                + "/nyu_depth_v2_labeled.mat: it is accepted if it has 50000 bytes"), first.output());
        assertFalse(Files.exists(dir.resolve("raw/nyu_depth_v2_labeled.mat")));
        long kept = Files.size(dir.resolve("raw/nyu_depth_v2_labeled.mat.part"));
        assertTrue(kept > 0 && kept < BIG.length, "kept " + kept);
        cutAfter = 0;
        Scripts.Result second = download(sources(BIG.length));
        assertEquals(0, second.exitCode(), second.output());
        assertEquals("bytes=" + kept + "-", ranges.get(ranges.size() - 2));
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("raw/nyu_depth_v2_labeled.mat")));
    }

    @Test
    void aFilePlacedByHandIsAcceptedHashedAndRecorded() throws Exception {
        Files.createDirectories(dir.resolve("raw"));
        Files.write(dir.resolve("raw/splits.mat"), SMALL);
        String sha = Sha256.hex(SMALL);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Path sources = Files.writeString(dir.resolve("sources.tsv"), "nyu_depth_v2_labeled.mat\t" + BIG.length
                + "\t-\t" + base + "/big.mat\nsplits.mat\t2626\t" + sha + "\t" + base + "/splits.mat\n");
        Scripts.Result result = download(sources);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("splits.mat found in " + dir.resolve("raw") + " (placed by hand): 2626"
                + " bytes, SHA-256 " + sha + ", as recorded"), result.output());
        assertEquals(1, ranges.size(), "only the labelled set is fetched: " + ranges);
        assertTrue(Files.readString(dir.resolve("raw/downloads.tsv")).contains("splits.mat\t2626\t" + sha));
    }

    @Test
    void aFileOfTheWrongSizeStopsTheDownload() throws Exception {
        Scripts.Result result = download(sources(BIG.length - 1));
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("more than the expected 49999") || result.output().contains(
                "expected 49999"), result.output());
        assertTrue(result.output().contains("delete"), result.output());
        assertFalse(Files.exists(dir.resolve("raw/nyu_depth_v2_labeled.mat")));
    }
}
