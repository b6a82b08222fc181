#pragma once

#include <QObject>

namespace clera {

class AlpacaStream;
class SymbolRegistry;
struct BackendSelection;

// Builds the Alpaca market-data side that the server and the desktop share: the stream from the
// selection's URL and keys, and (once a registry drives it) the previous-close loader over
// market-data snapshots. Both are children of `parent`.
[[nodiscard]] AlpacaStream *makeAlpacaStream(const BackendSelection &selection, QObject *parent);
void loadPreviousCloses(const BackendSelection &selection, SymbolRegistry *registry, AlpacaStream *stream,
                        QObject *parent);

} // namespace clera
