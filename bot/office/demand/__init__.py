"""The demand map: what producers asked for that no standard covers, by product, province and month
(`report`), its inline SVG chart (`chart`) and the `unmatched_ask` table each ask is kept in (`model`)."""
