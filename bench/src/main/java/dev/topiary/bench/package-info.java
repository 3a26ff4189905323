/** JMH benchmarks of Topiary's backends: throughput against density. */
package dev.topiary.bench;
