/**
 * A training run as a directory ({@link dev.topiary.run.RunDirectory}): the resolved {@code config.json} with
 * {@link dev.topiary.run.Provenance}, CSV logs that truncate cleanly on resume ({@link dev.topiary.run.CsvLog}),
 * TensorBoard event files written by the project ({@link dev.topiary.run.TensorBoardWriter}), a terminal progress
 * bar ({@link dev.topiary.run.ProgressBar}), atomic file replacement ({@link dev.topiary.run.AtomicFiles}) and the
 * learning-curve PNG ({@link dev.topiary.run.LearningCurve}).
 */
package dev.topiary.run;
