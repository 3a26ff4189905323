package dev.topiary.rl;

import java.util.ArrayList;
import java.util.List;

/** The trainer's counters and the current episode: what a checkpoint stores besides the agent and environments. */
public final class TrainState {
    /** Environment steps taken. */
    public long step;
    /** Episodes finished. */
    public long episodes;
    /** Return and length of the running episode so far. */
    public double episodeReturn;
    public long episodeLength;
    /** Return of the last finished training episode (NaN before the first). */
    public double lastEpisodeReturn = Double.NaN;
    /** Mean return of the last evaluation (NaN before the first). */
    public double lastEvalMean = Double.NaN;
    /** The observation the next action responds to. */
    public double[] obs;
    /** Every evaluation so far as {step, mean return}. */
    public final List<double[]> evals = new ArrayList<>();

    static TrainState fresh(double[] firstObs) {
        TrainState s = new TrainState();
        s.obs = firstObs;
        return s;
    }
}
