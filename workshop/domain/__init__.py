"""The pure core: workshop rules with no Flask, Socket.IO or database imports."""
