package dev.conduit.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link TcpAllocationBenchmark} with the benchmark threads made Netty {@code FastThreadLocalThread}s ({@link
 * NettyThreadsExecutor}): what a sender on a Conduit handler thread or a Netty-made thread allocates.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar TcpAllocation -prof gc -f 1 -wi 2 -i 3 -w 1 -r 2
 * </pre>
 */
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Djmh.executor=CUSTOM",
            "-Djmh.executor.class=dev.conduit.benchmarks.NettyThreadsExecutor",
            "-Dio.netty.leakDetection.level=disabled"
        })
public class TcpAllocationOnNettyThreadsBenchmark extends TcpAllocationBenchmark {}
