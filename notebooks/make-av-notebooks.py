#!/usr/bin/python3
"""Writes notebooks 07-crema-d, 08-ave and 09-vggsound from one template (run: /usr/bin/python3
notebooks/make-av-notebooks.py). Edit the template here, not the notebooks; then execute them with
notebooks/run-notebooks.sh to store outputs."""
import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))
# The wall time of each notebook's smoke run (no prepared data: a synthetic stand-in, one seed, one epoch), measured
# with notebooks/run-notebooks.sh --smoke on 2 CPU cores; "Run All" without the data runs exactly that.
SMOKE_SECONDS = {"crema-d": 71, "ave": 54, "vggsound-50": 24}

DATASETS = [
    ("07-crema-d", "crema-d", "CREMA-D",
     "7,442 clips of 91 actors saying 12 sentences with one of 6 emotions (NEU, HAP, SAD, FEA, DIS, ANG). Audio: "
     "the released code's log spectrogram of the clip tiled to 160,000 samples at 22,050 Hz (1 x 257 x 1004). "
     "Visual: one face frame. Split: the OGM-GE lineage's 744 test clips; validation = every 10th training clip "
     "of each class."),
    ("08-ave", "ave", "AVE",
     "4,143 ten-second YouTube clips of 28 audio-visual events, with the official train / val / test lists "
     "(3,339 / 402 / 402). Audio: the CREMA-D spectrogram, cyclically reshaped to 1 x 257 x 1024 as C2KD's "
     "`np.resize` does. Visual: one frame."),
    ("09-vggsound", "vggsound-50", "VGGSound-50",
     "C2KD's 50-class subset of VGGSound (`train_tiny.csv` / `test_tiny.csv`), from the clips you could obtain "
     "(YouTube links die; the data script reports how many). Audio: C2KD's log-magnitude STFT (n_fft 256, hop "
     "128) of a 5 s window, random in training (1 x 129 x 626). Visual: one frame. Validation = every 10th "
     "training clip of each class."),
]


def notebook(stem, name, title, description):
    cells = [
        new_markdown_cell(f"""# {stem[:2].lstrip('0')}. {title}: the paper's audio-visual protocol

{description}

For each seed an audio teacher and a visual teacher (ResNet-18, trained from scratch with cross-entropy) are
trained; then a student of each modality is taught by the other modality's frozen teacher with each method.
Test accuracy is reported under three model-selection protocols: `bestVal` (the clean one), `lastEpoch` and
`paperBestTest` (the authors' selection on the test set). Paper settings (method.md section 2.9): SGD, learning
rate 0.01 with the poly schedule, momentum 0.9, batch 64, 100 epochs, seeds 0, 1, 2.

**Parameters.** With the prepared data in `data/{name}/prepared` and `FDCMKD_PROFILE=full` (default) the
notebook runs the full protocol (days on a GPU; every run resumes where it stopped). Otherwise it says how to
get the data and runs in **smoke mode** on a small SYNTHETIC stand-in in the same layout (tiny network, one
epoch): the numbers then only show that the pipeline runs, and every table, figure and conclusion says SYNTHETIC.

**How to start it.** Once per clone, run `environment/setup-notebooks.sh` (add `--ui` for the Notebook UI); then
open this notebook with the kernel **`cmkd-java`**.
**Run time of its training cells** (2 CPU cores, CPU build): without the prepared data, "Run All" trains the smoke
runs on the stand-in: {SMOKE_SECONDS[name]} s for the whole notebook, kernel start included (measured with
`notebooks/run-notebooks.sh --smoke`). With the prepared data it trains the paper's protocol: 2 teachers and 2 students per method and
seed at 100 epochs on ResNet-18, days on a GPU and far longer on a CPU (`lib/bin/kit run {name}
-Dfdcmkd.mode=epoch-cost` measures one epoch on this machine). Every run is saved and resumed from its checkpoint, so a second "Run All" reads the runs back."""),
        new_code_cell(f"""import dev.cmkd.cli.Settings;
import dev.cmkd.experiment.*;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.report.PlainText;
import dev.cmkd.study.*;
import dev.cmkd.tasks.TaskRegistry;
import java.nio.file.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

String profile = System.getenv().getOrDefault("FDCMKD_PROFILE", "full");
TaskType benchmark = TaskRegistry.get("{name}");
Path prepared = Path.of("../data/{name}/prepared");
boolean present = Files.isRegularFile(prepared.resolve("clips.csv"));
boolean smoke = profile.equals("ci") || !present;
Path output = Path.of(smoke ? "../lib/target/executed-notebooks/{name}" : "../results/real/{name}");
// smoke: one seed, FD-CMKD only, a tiny network for one epoch on a synthetic stand-in in the prepared layout
Settings settings = TaskRegistry.settings(benchmark, smoke
        ? Map.of("profile", "ci", "fixture", "true", "methods", "fd-cmkd", "output", output.toString())
        : Map.of("profile", "full", "data", prepared.toString(), "output", output.toString()));
settings"""),
        new_markdown_cell("## The data\n\nWhere it comes from and how to prepare it (or the synthetic stand-in of "
                          "smoke mode)."),
        new_code_cell("""PlainText.wrap(smoke ? (present ? "" : "No prepared data at ../data/" + benchmark.name() + "/prepared. To get it: "
        + benchmark.howToGet() + ".\\n") + "Smoke mode: a SYNTHETIC stand-in (8 clips per split, not the real data) in "
        + output.resolve("fixture") : "Prepared data: " + prepared.toAbsolutePath().normalize())"""),
        new_markdown_cell("## Training (or reading back) every run"),
        new_code_cell("""BenchmarkReport report = Runner.train(benchmark, settings);
var files = report.write(output);
boolean synthetic = report.synthetic();   // the runs' data are a stand-in: every title below says SYNTHETIC
PlainText.files(files)"""),
        new_markdown_cell("## Test accuracy: mean ± standard deviation over seeds (percent)"),
        new_code_cell("report.summaryText()"),
        new_markdown_cell("## Student accuracy per method"),
        new_code_cell('ImageIO.read(output.resolve("accuracy.png").toFile())'),
        new_markdown_cell("Every run under every protocol, with its environment, is in `results.csv`; each "
                          "command's rows are in `results/<method>-<student>-seed<seed>.csv` and each run's "
                          "per-epoch metrics in `runs/<run>/metrics.csv`, under the output directory. One run "
                          f"from the command line: `lib/bin/kit run {name} -Dfdcmkd.methods=fd-cmkd "
                          "-Dfdcmkd.students=audio -Dfdcmkd.seeds=0`."),
        new_markdown_cell("""## The similarity study

The paper's observation on these data, through the same code as notebook 2 (`SimilarityStudy`): the cosine and
linear CKA of the two teachers' pooled features, and of each teacher with the student it taught, per band, for the
post-ReLU and pre-ReLU feature, with the controls (one side's channels permuted, untrained networks, identically
initialised teachers) and the mean-only null model beside every value. In smoke mode it runs on the stand-in with
one seed: no interval, no conclusion."""),
        new_code_cell("""SimilarityFindings similarity = SimilarityStudy.builder().setSettings(settings).optTaskType(benchmark)
        .optMethods(smoke ? List.of("fd-cmkd") : List.of("kd", "feature-mse", "fd-cmkd")).build()
        .run(output.resolve("similarity")).findings();
PlainText.table(PlainText.synthetic(synthetic, similarity.formattedPattern()))"""),
        new_code_cell('PlainText.table(PlainText.synthetic(synthetic, similarity.formatted("post-relu")))'),
        new_markdown_cell("## What the numbers say\n\nComputed from the intervals of the similarity study above."),
        new_code_cell("""var sentences = new ArrayList<String>();
if (synthetic) {
    sentences.add(PlainText.SYNTHETIC + "every number in this notebook comes from the stand-in and says nothing about "
            + benchmark.name() + ".");
}
sentences.addAll(similarity.conclusions());
PlainText.paragraphs(sentences)"""),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Java (cmkd kit, rjk 3.0.1)", "language": "java", "name": "cmkd-java"},
        "language_info": {"codemirror_mode": "java", "file_extension": ".jshell", "mimetype": "text/x-java-source",
                          "name": "java", "nbconvert_exporter": "script", "pygments_lexer": "java"},
    }
    return nb


for stem, name, title, description in DATASETS:
    nbformat.write(notebook(stem, name, title, description), os.path.join(HERE, stem + ".ipynb"))
    print("wrote", os.path.join(HERE, stem + ".ipynb"))
