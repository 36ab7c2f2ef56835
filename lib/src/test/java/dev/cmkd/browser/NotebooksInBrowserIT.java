package dev.cmkd.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.testing.Scripts;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every notebook as a reader meets it: Debian's classic Jupyter Notebook serves copies of the notebooks on
 * loopback, with the checkout's own kernel spec {@code cmkd-java} and {@code FDCMKD_PROFILE=ci} (smoke sizes);
 * Debian's Chromium, driven by Debian's chromedriver, opens each one, clears its outputs and runs every cell through
 * the menus (Cell → Run All), and the rendered page is checked, naming the notebook and the cell:
 * <ul>
 *   <li>every non-empty code cell ran, and none shows an error output or an exception on stderr;</li>
 *   <li>no table or listing is a run-on paragraph: an HTML output with line or column layout in its text must hold a
 *       {@code <table>} or {@code <pre>} (text/plain outputs are {@code <pre>});</li>
 *   <li>every image output is an {@code <img>} that loaded ({@code naturalWidth > 0}).</li>
 * </ul>
 * A full-page screenshot of each notebook goes to {@code lib/target/browser-screenshots/<notebook>.png}, and the
 * executed copies stay in {@code lib/target/browser/notebooks/}; the committed notebooks are never opened.
 *
 * <p>rapaio-jupyter-kernel 3.0.1 sometimes never answers {@code kernel_info} at start-up (the start-up race of
 * issue 16): a reader sees the kernel indicator stay busy. The test waits for the idle indicator and the kernel's
 * info reply, and otherwise restarts the kernel through Kernel → Restart, counting each restart.
 *
 * <p>System properties: {@code cmkd.browser.notebooks} (comma-separated name prefixes; default every notebook),
 * {@code cmkd.browser.kernelReadySeconds} (default 75), {@code cmkd.browser.restarts} (default 6),
 * {@code cmkd.browser.notebookMinutes} (default 40).
 */
class NotebooksInBrowserIT {

    private static final Path ROOT = Scripts.root();
    private static final Path TARGET = ROOT.resolve("lib/target");
    private static final Path WORK = TARGET.resolve("browser");
    private static final Path COPIES = WORK.resolve("notebooks");
    private static final Path SCREENSHOTS = TARGET.resolve("browser-screenshots");
    private static final Path KERNELS = TARGET.resolve("jupyter");
    /** Folders the notebooks write into through {@code ../}; made in the repository if missing, then linked. */
    private static final List<String> CREATED = List.of("data", "results");

    private static final int KERNEL_READY_SECONDS = Integer.getInteger("cmkd.browser.kernelReadySeconds", 75);
    private static final int RESTARTS = Integer.getInteger("cmkd.browser.restarts", 6);
    private static final int NOTEBOOK_MINUTES = Integer.getInteger("cmkd.browser.notebookMinutes", 40);
    private static final int WIDTH = 1400;
    private static final int VIEW_HEIGHT = 1000;
    /** Screenshots are cut off below this height (pixels), to bound their memory. */
    private static final int MAX_PAGE_HEIGHT = 40_000;

    private static Process server;
    private static String base;
    private static String token;
    private static ChromeDriverService service;
    private static WebDriver driver;
    private static final List<String> SUMMARY = new ArrayList<>();
    private static int totalRestarts;
    private static Thread cleanup;

    @BeforeAll
    static void startServerAndBrowser() throws IOException, InterruptedException {
        installKernelSpec();
        copyNotebooks();
        Files.createDirectories(SCREENSHOTS);
        startServer();
        cleanup = new Thread(NotebooksInBrowserIT::stopEverything, "browser-test-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        startBrowser();
    }

    @AfterAll
    static void stopServerAndBrowser() throws IOException {
        stopEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException | NullPointerException e) {
            // shutting down already, or never registered
        }
        SUMMARY.add("kernel restarts (start-up race): " + totalRestarts);
        Files.write(SCREENSHOTS.resolve("summary.txt"), SUMMARY);
        SUMMARY.forEach(line -> System.out.println("browser: " + line));
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsCleanlyInTheNotebookUi() throws IOException {
        String filter = System.getProperty("cmkd.browser.notebooks", "");
        List<String> prefixes = filter.isBlank() ? List.of("") : List.of(filter.split(","));
        List<String> names;
        try (Stream<Path> files = Files.list(COPIES)) {
            names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".ipynb"))
                    .filter(n -> prefixes.stream().anyMatch(p -> n.startsWith(p.trim()))).sorted().toList();
        }
        assertTrue(!names.isEmpty(), "no notebook matches '" + filter + "' in " + COPIES);
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> runInBrowser(name)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // One notebook

    private static void runInBrowser(String file) throws IOException {
        String name = file.substring(0, file.length() - ".ipynb".length());
        long opened = System.nanoTime();
        try {
            runAndCheck(file, name, opened);
        } finally {
            shutDownKernel(file);
        }
    }

    private static void runAndCheck(String file, String name, long opened) throws IOException {
        driver.get(base + "/notebooks/" + file + "?token=" + token);
        waitFor(Duration.ofSeconds(120), () -> Boolean.TRUE.equals(js(
                "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded)")),
                name + ": the Notebook page did not load");
        int restarts = waitForKernel(file, name);
        long ready = System.nanoTime();
        System.out.printf("browser: %s kernel ready after %d s (%d restart(s))%n", name, seconds(opened, ready),
                restarts);

        clearAllOutput();
        int[] state = runState();
        assertEquals(0, state[2], name + ": cells still numbered after Cell > All Output > Clear");
        menu("celllink", "run_all_cells");
        long started = System.nanoTime();
        waitForRun(name, started);
        long finished = System.nanoTime();
        menu("filelink", "save_checkpoint");

        JsonObject report = JsonParser.parseString((String) js(CHECKS)).getAsJsonObject();
        List<String> problems = new ArrayList<>();
        for (JsonElement problem : report.getAsJsonArray("problems")) {
            problems.add(problem.getAsString());
        }
        JsonObject counts = report.getAsJsonObject("counts");
        screenshot(SCREENSHOTS.resolve(name + ".png"));

        String line = String.format("%s: ran in %d s through the UI (kernel ready after %d s, %d restart(s)); %d code"
                + " cells, outputs: %d <table>, %d <pre>, %d <img>; %s", name, seconds(started, finished),
                seconds(opened, ready), restarts, counts.get("code").getAsInt(), counts.get("tables").getAsInt(),
                counts.get("pres").getAsInt(), counts.get("images").getAsInt(),
                problems.isEmpty() ? "OK" : problems.size() + " problem(s)");
        System.out.println("browser: " + line);
        SUMMARY.add(line);
        if (!problems.isEmpty()) {
            fail(name + " (screenshot " + SCREENSHOTS.resolve(name + ".png") + "):\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Waits for the idle kernel; when it never answers, starts it again as a reader would, alternately through
     * Kernel > Restart (the Notebook reuses the kernel's ports) and through Kernel > Shutdown and reloading the page
     * (a new kernel on new ports). Returns how many times it had to.
     */
    private static int waitForKernel(String file, String name) {
        for (int restarts = 0; ; restarts++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KERNEL_READY_SECONDS);
            while (System.nanoTime() < deadline) {
                if (kernelReady()) {
                    return restarts;
                }
                sleep(1000);
            }
            if (restarts == RESTARTS) {
                fail(name + ": the kernel never became ready (" + (RESTARTS + 1) + " starts of " + KERNEL_READY_SECONDS
                        + " s; kernel indicator '" + js("var i = document.getElementById('kernel_indicator_icon');"
                        + " return i ? i.className : 'none'") + "', dialog '" + openDialog() + "')");
            }
            boolean restart = restarts % 2 == 0;
            System.out.printf("browser: %s kernel not ready after %d s (start-up race): %s%n", name,
                    KERNEL_READY_SECONDS, restart ? "Kernel > Restart" : "Kernel > Shutdown and reload");
            totalRestarts++;
            if (restart) {
                closeDialogs();
                menu("kernellink", "restart_kernel");
                confirmIfAsked();
            } else {
                shutDownKernel(file);
                driver.navigate().refresh();
                waitFor(Duration.ofSeconds(120), () -> Boolean.TRUE.equals(js(
                        "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded)")),
                        name + ": the Notebook page did not load again");
            }
            sleep(3000);
        }
    }

    private static boolean kernelReady() {
        return Boolean.TRUE.equals(js("var k = Jupyter.notebook.kernel;"
                + " var i = document.getElementById('kernel_indicator_icon');"
                + " return !!(k && k.info_reply && Object.keys(k.info_reply).length > 0 && i"
                + " && i.classList.contains('kernel_idle_icon'));"));
    }

    /** Cell > All Output > Clear: every prompt back to {@code In [ ]}, so that a number means "ran now". */
    private static void clearAllOutput() {
        click(By.id("celllink"));
        new Actions(driver).moveToElement(driver.findElement(By.id("all_outputs"))).perform();
        click(By.cssSelector("#all_outputs #clear_all_output a"));
    }

    /** Waits until no cell runs ({@code In [*]}) and the kernel is idle, printing progress every 30 s. */
    private static void waitForRun(String name, long started) {
        long deadline = started + TimeUnit.MINUTES.toNanos(NOTEBOOK_MINUTES);
        long nextProgress = started + TimeUnit.SECONDS.toNanos(30);
        int quietPolls = 0;
        boolean begun = false;
        while (true) {
            int[] state = runState(); // code cells, running, numbered, errors, kernel idle
            begun |= state[1] > 0 || state[2] > 0;
            boolean finished = begun && state[1] == 0 && state[4] == 1 && (state[2] == state[0] || state[3] > 0);
            quietPolls = finished ? quietPolls + 1 : 0;
            if (quietPolls >= 2) {
                return;
            }
            long now = System.nanoTime();
            if (!begun && now - started > TimeUnit.SECONDS.toNanos(30)) {
                fail(name + ": Cell > Run All started no cell within 30 s (dialog '" + openDialog() + "')");
            }
            if (now > deadline) {
                fail(name + ": still running after " + NOTEBOOK_MINUTES + " min: " + state[2] + " of " + state[0]
                        + " code cells done, " + state[1] + " queued or running");
            }
            if (now > nextProgress) {
                System.out.printf("browser: %s running, %d of %d code cells done, %d s%n", name, state[2], state[0],
                        seconds(started, now));
                nextProgress = now + TimeUnit.SECONDS.toNanos(30);
            }
            sleep(1000);
        }
    }

    /** Code cells with source, cells queued or running, cells numbered, cells with an error, kernel idle (1/0). */
    private static int[] runState() {
        @SuppressWarnings("unchecked")
        List<Long> state = (List<Long>) js("var total = 0, running = 0, numbered = 0, errors = 0;"
                + " Jupyter.notebook.get_cells().forEach(function (c) {"
                + "   if (c.cell_type !== 'code' || c.get_text().trim() === '') return;"
                + "   total++;"
                + "   var p = c.element[0].querySelector('.input_prompt').innerText;"
                + "   if (p.indexOf('*') >= 0) running++; else if (/\\[\\d+\\]/.test(p)) numbered++;"
                + "   if (c.element[0].querySelector('.output_error')) errors++;"
                + " });"
                + " var i = document.getElementById('kernel_indicator_icon');"
                + " return [total, running, numbered, errors, i && i.classList.contains('kernel_idle_icon') ? 1 : 0];");
        return state.stream().mapToInt(Long::intValue).toArray();
    }

    /**
     * The checks on the rendered page, one problem per line naming the cell (its index in the notebook, counting
     * markdown cells, as in the .ipynb). An HTML output is a run-on paragraph when it holds no table, pre, image or
     * block markup but its text has a table's or listing's layout (several lines, column gaps, ASCII rules), which
     * the browser collapses.
     */
    private static final String CHECKS = "var problems = [], counts = {code: 0, tables: 0, pres: 0, images: 0};"
            + " Jupyter.notebook.get_cells().forEach(function (c, i) {"
            + "   if (c.cell_type !== 'code') return;"
            + "   counts.code++;"
            + "   var el = c.element[0], where = 'cell ' + i + ': ';"
            + "   var prompt = el.querySelector('.input_prompt').innerText.trim();"
            + "   if (c.get_text().trim() !== '' && !/\\[\\d+\\]/.test(prompt))"
            + "     problems.push(where + 'did not run (prompt \"' + prompt + '\")');"
            + "   el.querySelectorAll('.output_error').forEach(function (e) {"
            + "     problems.push(where + 'error output: ' + e.innerText.slice(0, 600)); });"
            + "   el.querySelectorAll('.output_stderr').forEach(function (e) {"
            + "     if (/Exception|Error:/.test(e.innerText))"
            + "       problems.push(where + 'stderr reports an error: ' + e.innerText.slice(0, 600)); });"
            + "   el.querySelectorAll('.output_html').forEach(function (e) {"
            + "     if (e.querySelector('table, pre, img, svg, p, ul, ol, li, div, br, h1, h2, h3, h4')) return;"
            + "     var t = e.textContent.trim();"
            + "     if (/\\n.*\\n/.test(t) || /\\S {2,}\\S/.test(t) || /[|+]-{3,}|-{3,}[|+]/.test(t))"
            + "       problems.push(where + 'a table or listing shown as a run-on paragraph (text/html without"
            + " <table> or <pre>): ' + e.innerText.slice(0, 200)); });"
            + "   counts.tables += el.querySelectorAll('.output_area table').length;"
            + "   counts.pres += el.querySelectorAll('.output_area pre').length;"
            + "   el.querySelectorAll('.output_area img').forEach(function (img) {"
            + "     counts.images++;"
            + "     if (!(img.complete && img.naturalWidth > 0))"
            + "       problems.push(where + 'an image output that did not load (naturalWidth ' + img.naturalWidth"
            + " + ')'); });"
            + "   el.querySelectorAll('.output_png, .output_jpeg, .output_svg').forEach(function (o) {"
            + "     if (!o.querySelector('img, svg')) problems.push(where + 'an image output without <img>'); });"
            + " });"
            + " return JSON.stringify({problems: problems, counts: counts});";

    /**
     * Kernel > Shutdown, so that the kernel's JVM ends before the next notebook starts its own; through the REST API
     * if the page cannot do it (a failed run may leave a dialog or a dead page).
     */
    private static void shutDownKernel(String file) {
        try {
            closeDialogs();
            menu("kernellink", "shutdown_kernel");
            confirmIfAsked();
            waitFor(Duration.ofSeconds(30), () -> session(file) == null, file + ": the kernel did not shut down");
        } catch (RuntimeException | AssertionError e) {
            System.out.println("browser: " + file + ": Kernel > Shutdown failed (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); deleting its session through the REST API");
            String id = session(file);
            if (id != null) {
                request("DELETE", "/api/sessions/" + id);
            }
        }
        try {
            js("window.onbeforeunload = null;");
        } catch (RuntimeException e) {
            // the next driver.get() replaces the page anyway
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The UI

    private static void menu(String menuId, String itemId) {
        click(By.id(menuId));
        click(By.cssSelector("#" + itemId + " > a"));
    }

    private static void click(By by) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    /**
     * Clicks the red (confirming) button of the dialog that a Kernel menu item opens; the Notebook asks only while
     * the kernel is connected, so no dialog within 5 s means none is coming.
     */
    private static void confirmIfAsked() {
        By button = By.cssSelector(".modal.in .modal-footer .btn-danger");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (driver.findElements(button).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return;
            }
            sleep(250);
        }
        click(button);
        waitFor(Duration.ofSeconds(20), () -> driver.findElements(By.cssSelector(".modal.in")).isEmpty(),
                "the dialog did not close");
    }

    private static void closeDialogs() {
        for (WebElement close : driver.findElements(By.cssSelector(".modal.in .modal-header .close"))) {
            close.click();
            sleep(500);
        }
    }

    private static String openDialog() {
        List<WebElement> open = driver.findElements(By.cssSelector(".modal.in"));
        return open.isEmpty() ? "" : open.get(0).getText().replace('\n', ' ');
    }

    /**
     * A full-page PNG: the Notebook scrolls inside {@code #site}, not the window, so the page is stitched from
     * screenshots of the viewport while {@code #site} scrolls.
     */
    private static void screenshot(Path file) throws IOException {
        // Without the header's shadow and #site's scroll bar, which would otherwise repeat at every seam.
        js("var style = document.createElement('style'); style.textContent = '#header { box-shadow: none !important; }"
                + " #site { scrollbar-width: none; } #site::-webkit-scrollbar { display: none; }'"
                + " + ' .out_prompt_overlay:hover { box-shadow: none !important; background: none !important; }';"
                + " document.head.appendChild(style); window.dispatchEvent(new Event('resize'));");
        sleep(300);
        @SuppressWarnings("unchecked")
        List<Long> geometry = (List<Long>) js("var s = document.getElementById('site');"
                + " return [Math.round(s.getBoundingClientRect().top), s.clientHeight, s.scrollHeight];");
        int top = geometry.get(0).intValue();
        int view = geometry.get(1).intValue();
        int height = Math.min(top + geometry.get(2).intValue(), MAX_PAGE_HEIGHT);
        BufferedImage page = null;
        for (int y = 0; top + y < height; y += view) {
            long scrolled = (Long) js("var s = document.getElementById('site'); s.scrollTop = arguments[0];"
                    + " return Math.round(s.scrollTop);", y);
            sleep(300);
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(
                    ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES)));
            if (page == null) {
                page = new BufferedImage(shot.getWidth(), height, BufferedImage.TYPE_INT_RGB);
                page.createGraphics().drawImage(shot, 0, 0, null);
                continue;
            }
            int rows = Math.min(Math.min(view, shot.getHeight() - top), height - top - (int) scrolled);
            if (rows > 0) {
                Graphics2D g = page.createGraphics();
                g.drawImage(shot.getSubimage(0, top, shot.getWidth(), rows), 0, top + (int) scrolled, null);
                g.dispose();
            }
        }
        js("document.getElementById('site').scrollTop = 0;");
        ImageIO.write(page, "png", file.toFile());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Set-up and tear-down

    /** The checkout's own kernel spec, exactly as notebooks/run-notebooks.sh installs it. */
    private static void installKernelSpec() {
        ProcessBuilder builder = new ProcessBuilder("bash", "environment/setup-notebooks.sh").directory(ROOT.toFile());
        builder.environment().putAll(Map.of("KERNEL_DIR", KERNELS.resolve("kernels/cmkd-java").toString(),
                "SETUP_SKIP_BUILD", "1"));
        Scripts.Result setup = Scripts.run(builder, 10);
        if (setup.exitCode() != 0) {
            fail("environment/setup-notebooks.sh exited " + setup.exitCode() + ":\n" + setup.output());
        }
    }

    /** Copies of the notebooks (the Notebook autosaves), with ../data, ../lib, ... linked to the repository's. */
    private static void copyNotebooks() throws IOException {
        if (Files.exists(WORK)) {
            try (Stream<Path> old = Files.walk(WORK)) {
                for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path); // walk does not follow the links, so only the links themselves go
                }
            }
        }
        Files.createDirectories(COPIES);
        try (Stream<Path> notebooks = Files.list(ROOT.resolve("notebooks"))) {
            for (Path notebook : notebooks.filter(f -> f.toString().endsWith(".ipynb")).toList()) {
                Files.copy(notebook, COPIES.resolve(notebook.getFileName()));
            }
        }
        for (String folder : CREATED) {
            Files.createDirectories(ROOT.resolve(folder)); // both ignored by git, as when the notebooks run in place
        }
        // Everything else at the top of the repository too: the copies' folder is then a repository root for the
        // library and the scripts (data-scripts/, pom.xml, lib/bin/kit), whose files are the repository's own.
        try (Stream<Path> entries = Files.list(ROOT)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals("notebooks") && !name.equals(".git")) {
                    Files.createSymbolicLink(WORK.resolve(name), entry);
                }
            }
        }
    }

    private static void startServer() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        token = HexFormat.of().formatHex(random);
        base = "http://127.0.0.1:" + port;
        ProcessBuilder builder = new ProcessBuilder(notebookCommand(), "--no-browser", "--allow-root",
                "--ip=127.0.0.1", "--port=" + port, "--port-retries=0", "--NotebookApp.token=" + token,
                "--notebook-dir=" + COPIES)
                .directory(COPIES.toFile())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("notebook-server.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("FDCMKD_PROFILE", "ci");
        env.put("KIT_SKIP_BUILD", "1"); // lib/bin/kit, if a notebook calls it: package has built the library already
        String jupyterPath = env.get("JUPYTER_PATH");
        env.put("JUPYTER_PATH", KERNELS + (jupyterPath == null || jupyterPath.isEmpty() ? "" : ":" + jupyterPath));
        env.put("JUPYTER_CONFIG_DIR", WORK.resolve("jupyter-config").toString()); // no user configuration
        env.put("JUPYTER_DATA_DIR", WORK.resolve("jupyter-data").toString());
        env.put("JUPYTER_RUNTIME_DIR", WORK.resolve("jupyter-runtime").toString());
        server = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (status(base + "/api/status?token=" + token) != 200) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                fail("the Notebook server did not start: " + Files.readString(WORK.resolve("notebook-server.log")));
            }
            Thread.sleep(500);
        }
        System.out.println("browser: Jupyter Notebook at " + base + " serving " + COPIES);
    }

    private static String notebookCommand() {
        String command = "/usr/bin/jupyter-notebook";
        if (!Files.isExecutable(Path.of(command))) {
            fail("no Jupyter Notebook (" + command + "): install it with environment/install-system-packages.sh"
                    + " browser (mvn does it unless -DskipSystemPackages)");
        }
        return command;
    }

    private static void startBrowser() {
        for (String executable : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
            if (!Files.isExecutable(Path.of(executable))) {
                fail("no " + executable + ": install it with environment/install-system-packages.sh browser"
                        + " (mvn does it unless -DskipSystemPackages)");
            }
        }
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().withLogFile(WORK.resolve("chromedriver.log").toFile()).build();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
                "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--force-device-scale-factor=1",
                "--window-size=" + WIDTH + "," + VIEW_HEIGHT, "--user-data-dir=" + WORK.resolve("chromium-profile"));
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    }

    /** Quits the browser, asks the server to shut down, then ends any process it leaves (kernels included). */
    private static synchronized void stopEverything() {
        if (driver != null) {
            try {
                driver.quit();
            } catch (RuntimeException e) {
                System.out.println("browser: quitting Chromium: " + e);
            }
            driver = null;
        }
        if (service != null) {
            service.stop();
            service = null;
        }
        if (server != null) {
            Set<ProcessHandle> left = new LinkedHashSet<>(server.descendants().toList());
            try {
                request("POST", "/api/shutdown");
                server.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            left.addAll(server.descendants().toList());
            left.forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            long alive = left.stream().filter(ProcessHandle::isAlive).count();
            System.out.println("browser: Notebook server stopped; " + left.size() + " child process(es) ended"
                    + (alive > 0 ? ", " + alive + " still alive" : ""));
            server = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** The id of the Notebook server's session for {@code file}, or null. */
    private static String session(String file) {
        try {
            HttpURLConnection get = (HttpURLConnection) URI.create(base + "/api/sessions").toURL().openConnection();
            get.setRequestProperty("Authorization", "token " + token);
            try (var in = get.getInputStream()) {
                JsonArray list = JsonParser.parseString(new String(in.readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8)).getAsJsonArray();
                for (JsonElement session : list) {
                    JsonObject object = session.getAsJsonObject();
                    if (object.get("path").getAsString().endsWith(file)) {
                        return object.get("id").getAsString();
                    }
                }
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int request(String method, String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            connection.setRequestMethod(method);
            connection.setRequestProperty("Authorization", "token " + token);
            connection.setConnectTimeout(5000);
            connection.setReadTimeout(30_000);
            return connection.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static int status(String url) {
        try {
            HttpURLConnection get = (HttpURLConnection) URI.create(url).toURL().openConnection();
            get.setConnectTimeout(2000);
            get.setReadTimeout(5000);
            return get.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    private static void waitFor(Duration timeout, java.util.function.BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure + " within " + timeout.toSeconds() + " s");
            }
            sleep(500);
        }
    }

    private static long seconds(long from, long to) {
        return TimeUnit.NANOSECONDS.toSeconds(to - from);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
