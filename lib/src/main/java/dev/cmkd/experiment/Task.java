package dev.cmkd.experiment;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.data.Splits;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.train.Evaluator;

import java.util.List;
import java.util.Map;

/**
 * A benchmark as the one {@link Experiment} runs it: two modalities of one dataset, its splits, a network per
 * modality, the metric and the layout of the features its distillation methods see. Adding a benchmark to the kit
 * is writing one task and registering it.
 *
 * <p>A network's forward pass returns {@code NDList(logits, feature, ...)} ({@link
 * dev.cmkd.method.NetworkOutput#of}); both modalities' networks give features of {@link #featureDim()} channels.
 */
public interface Task {

    /** Returns the task's name, e.g. {@code av-mnist-tts}. */
    String name();

    /** What {@link #data()} starts with for a synthetic stand-in (the reports label its numbers from it). */
    String SYNTHETIC = "SYNTHETIC";

    /**
     * Returns what the data are, for every result row: the dataset's name, or {@link #SYNTHETIC} (optionally
     * followed by more) for a stand-in, so that synthetic numbers cannot pass for real ones.
     */
    String data();

    /** Returns the two modalities, in the order of every batch's inputs. */
    List<String> modalities();

    /** Returns the number of classes. */
    int numClasses();

    /**
     * Returns the three splits for the runs of {@code seed} (a training split with random views draws them from
     * this seed; tasks without random views return the same splits for every seed).
     */
    Splits splits(long seed);

    /** Returns a new, uninitialised network for {@code modality}. */
    Block network(String modality);

    /** Returns the shape that initialises {@code modality}'s network: one training sample with a batch axis. */
    Shape inputShape(String modality);

    /** Returns the channels {@code D} of the distilled feature, the same for both modalities. */
    int featureDim();

    /** Returns the layout of the features and labels that the methods see. Default: classification's vectors. */
    default FeatureLayout layout() {
        return FeatureLayout.VECTOR;
    }

    /** Returns how predictors are scored; its first metric selects the best epoch. Default: accuracy. */
    default Evaluator evaluator() {
        return Evaluator.accuracy();
    }

    /** Returns the samples per evaluation batch for runs trained {@code trainingBatch} at a time. Default: the same. */
    default int evaluationBatch(int trainingBatch) {
        return trainingBatch;
    }

    /**
     * Returns what identifies this task's runs in their {@code config.json} beyond role, modalities, method and
     * schedule: the networks, and the data settings where they are not fixed.
     */
    Map<String, Object> identity();

    /** Returns the index (0 or 1) of {@code modality}, or throws naming the known ones. */
    default int modalityIndex(String modality) {
        int index = modalities().indexOf(modality);
        if (index < 0) {
            throw new IllegalArgumentException("no modality '" + modality + "' in " + name() + "; it has "
                    + modalities());
        }
        return index;
    }

    /** Returns the modality that is not {@code modality}. */
    default String otherModality(String modality) {
        return modalities().get(1 - modalityIndex(modality));
    }
}
