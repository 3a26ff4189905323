package dev.topiary.rl.simba;

/**
 * What every SimBa agent's hyper-parameter record holds besides its own groups: the three {@link SimbaSettings}
 * groups and the observation-normalisation switch. {@link SimbaAgent} builds the replay buffer, the modules' step
 * budget and the normaliser from these alone, so SAC and DDPG configure those parts identically.
 */
public interface SimbaHyperParameters {
    SimbaSettings.Generic generic();

    SimbaSettings.Networks networks();

    SimbaSettings.Optimizers optimizers();

    /** SimBa's running-statistics observation normalisation ({@link ObservationNormalizer}). */
    boolean normalizeObservations();
}
