"""Work that leaves the tool and comes back: exchange files and their formats.

* :mod:`.model`: :class:`~.model.ExchangeFile` and its units, what every
  format reads and writes;
* :mod:`.formats`: the one interface to the formats (by name or file name);
* :mod:`.xliff`, :mod:`.po`, :mod:`.tmx`: XLIFF 2.1/1.2, gettext PO and TMX
  1.4b, each the one owner of its file format; :mod:`.xmlsafe`: reading XML
  from elsewhere;
* :mod:`.roundtrip`: ``translator export`` and ``translator import``
  (articles out to people's tools, their translations back into the memory);
* :mod:`.memory_tmx`: ``translator cache export`` and ``cache import`` (the
  memory to and from TMX).

The placeholder syntax of protected spans that every format writes lives
below, in :mod:`translator.codec`, beside the masking that makes them.
Nothing is imported here.
"""
