"""Progress tracking: pure logic over plain values (no database, no files except ``plots``)."""
