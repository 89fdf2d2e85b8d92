/**
 * The Conduit protoc plugin: reads protoc's {@code CodeGeneratorRequest} on stdin and writes Java RPC stubs in a
 * {@code CodeGeneratorResponse} on stdout. Pure Java, shipped as a jar: no per-OS binary.
 */
package dev.conduit.rpc.compiler;
