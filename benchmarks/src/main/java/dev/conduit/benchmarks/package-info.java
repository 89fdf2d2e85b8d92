/**
 * JMH benchmarks. Each transport measures round-trip latency (64 B, 1 KiB, 64 KiB) and one-way throughput through the
 * public API only, beside the library it is measured against, in the same run. See the README for quick and full
 * passes.
 */
package dev.conduit.benchmarks;
