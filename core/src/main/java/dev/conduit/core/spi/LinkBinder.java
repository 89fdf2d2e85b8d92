package dev.conduit.core.spi;

/** Called by a transport for each new link; returns the listener that receives the link's frames and close. */
@FunctionalInterface
public interface LinkBinder {

    /** Binds a new link. The transport delivers nothing to the link before this returns. */
    LinkListener bind(Link link);
}
