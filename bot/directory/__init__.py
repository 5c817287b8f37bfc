"""The directory of provincial industry offices (สอจ.): the `office` table, its knowledge file
(knowledge/offices.yaml), finding the province a message names, and officers' corrections."""
