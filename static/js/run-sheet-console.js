/* Facilitator console, run sheets and the printed kit (written below). */
