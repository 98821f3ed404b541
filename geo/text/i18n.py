"""One catalog of user-facing strings (Chinese first, English second) and number formatting.

Every label the dashboard and the exports show comes from here, so that a reader sees the same
words on the screen, in a PDF and in a spreadsheet. Chinese is the default language.

Number formatting follows what Chinese readers expect: thousands separators, 万 (10,000) and
亿 (100,000,000) for large counts, percentages with one decimal.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Final

from geo.errors import check_choice

__all__ = [
    "CATALOG",
    "LANGS",
    "axis_ticks",
    "display_width",
    "format_count",
    "format_number",
    "format_percent",
    "format_score",
    "format_yuan",
    "t",
]

LANGS: Final = ("zh", "en")
MISSING: Final = "—"

# --------------------------------------------------------------------------------------------
# Dashboard strings
# --------------------------------------------------------------------------------------------
_DASHBOARD: dict[str, tuple[str, str]] = {
    # app and navigation
    "app.title": ("社会服务覆盖地图", "Service-coverage atlas"),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.briefing": ("汇报模式", "Briefing mode"),
    "app.briefing_help": (
        "隐藏侧边栏和控件，只留大字标题、地图和四项指标，适合投影汇报。",
        "Hides the sidebar and widgets: a large title, the map and four figures for a projector.",
    ),
    "app.briefing_exit": ("退出汇报模式", "Leave briefing mode"),
    "app.colon": ("：", ": "),
    "auth.log_in": ("登录", "Log in"),
    "auth.log_out": ("退出登录", "Log out"),
    "auth.name": ("用户名", "User name"),
    "auth.password": ("密码", "Password"),
    "auth.signed_in": ("已登录：{name}（{role}）", "Logged in: {name} ({role})"),
    "auth.help": (
        "没有账户或忘记密码，请联系本单位的系统管理员。",
        "No account, or forgot the password? Ask your office's administrator.",
    ),
    "auth.expired": (
        "会话已过期，请重新登录。",
        "The session has expired; please log in again.",
    ),
    "auth.refused": (
        "该账户已停用或已删除，请联系管理员。",
        "This account is disabled or gone; ask your administrator.",
    ),
    "auth.logged_out": ("已退出登录。", "Logged out."),
    "auth.logged_out_unrecorded": (
        "已退出登录。数据存储暂时无法写入，这次退出未记入变更记录。",
        "Logged out. The store could not be written just now: this log-out is not in the "
        "change log.",
    ),
    "auth.bad_setting": (
        "服务器的登录设置有误，请管理员修正：{problem}",
        "The server's login settings are wrong; the administrator must fix them: {problem}",
    ),
    "auth.needs": (
        "此操作需要{role}或更高的角色。",
        "This needs the role {role} or higher.",
    ),
    "app.dataset": ("当前数据：{name}", "Current data: {name}"),
    "app.source_invalid": (
        "配置的数据集 {source} 有错误，无法打开。以下是验证报告；请修正文件后刷新页面。",
        "The configured dataset {source} has errors and cannot be opened. The validation "
        "report follows; fix the files, then reload the page.",
    ),
    "app.source_unavailable": (
        "配置的数据 {source} 无法打开：{message}",
        "The configured data {source} cannot be opened: {message}",
    ),
    "app.store_unavailable": (
        "数据仓库无法打开，地图暂不能显示：{message}",
        "The data store cannot be opened, so the atlas cannot be shown: {message}",
    ),
    "page.overview": ("总览", "Overview"),
    "page.coverage": ("覆盖与缺口", "Coverage & gaps"),
    "page.funding": ("公益创投", "Funding"),
    "page.data": ("数据", "Data"),
    # demo notices
    "demo.banner": (
        "示例数据（模拟）：本页数字为演示用的模拟数据，不代表宿豫区的实际情况。",
        "Sample data (simulated): the figures on this page are made up for demonstration.",
    ),
    "demo.boundaries": (
        "示意边界：乡镇边界为示意，不可用于量算。",
        "Schematic boundaries: township outlines are illustrative, not for measurement.",
    ),
    "demo.short": ("示例数据 · 示意边界", "Sample data · schematic boundaries"),
    # common widgets
    "filter.groups": ("服务群体", "Beneficiary groups"),
    "filter.groups_help": (
        "可多选；指标按所选群体合计。",
        "Pick one or more; figures add up the chosen groups.",
    ),
    "filter.groups_all": ("全部群体", "All groups"),
    "filter.indicator": ("地图指标", "Map indicator"),
    "filter.breaks": ("分级方式", "Classes"),
    "filter.breaks.fixed": ("固定分级（0-20-40-60-80-100%）", "Fixed (0-20-40-60-80-100%)"),
    "filter.breaks.natural_breaks": ("按本数据自然断点", "Natural breaks of these data"),
    "filter.breaks_help": (
        "固定分级便于不同年度、不同群体的地图直接比较；自然断点更能拉开本数据内部的差别。",
        "Fixed classes make maps of different years and groups comparable; natural breaks "
        "separate these data's own values better.",
    ),
    "filter.township": ("乡镇（街道）", "Township"),
    "filter.township_all": ("全区", "Whole district"),
    "filter.kind": ("站点类型", "Site kind"),
    "filter.category": ("站点类别", "Site category"),
    "filter.radius": ("{group}服务半径（米）", "{group} catchment (m)"),
    "filter.basemap": ("底图", "Base map"),
    "basemap.none": ("无（仅乡镇边界）", "None (township outlines only)"),
    "basemap.osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap.tianditu": ("天地图", "Tianditu"),
    "basemap.gaode": ("高德地图", "Gaode (AMap)"),
    "basemap.tianditu_nokey": (
        "天地图底图尚未启用：需要系统管理员配置天地图密钥（TIANDITU_KEY）。地图暂不显示底图。",
        "The Tianditu base map is not set up: the app's administrator has to add a Tianditu "
        "key (TIANDITU_KEY). The map shows no base map meanwhile.",
    ),
    "basemap.offline": (
        "无法加载{name}底图（可能未联网）：仅显示乡镇边界和数据。",
        "The {name} base map cannot be loaded (no internet?): townships and data only.",
    ),
    "basemap.online_note": (
        "在线底图需要联网；离线环境下请选择“无”。",
        "Online base maps need the internet; choose 'None' offline.",
    ),
    "kind.organization": ("社会组织", "Organization"),
    "kind.station": ("服务站点", "Station"),
    "kind.all": ("全部", "All"),
    # KPI tiles
    "kpi.organizations": ("社会组织", "Organizations"),
    "kpi.stations": ("服务站点", "Service stations"),
    "kpi.people": ("服务对象（人）", "People in need"),
    "kpi.coverage": ("覆盖率", "Coverage"),
    "kpi.unreached": ("未覆盖（人）", "Out of reach"),
    "kpi.funding": ("{year}年公益创投", "Venture funding {year}"),
    "kpi.funding_any": ("公益创投资金", "Venture funding"),
    "kpi.sites": ("服务点位", "Service sites"),
    "kpi.sites_split": (
        "社会组织 {organizations} · 站点 {stations}",
        "{organizations} organizations · {stations} stations",
    ),
    "kpi.projects": ("{n}个项目", "{n} projects"),
    "kpi.projects_one": ("{n}个项目", "{n} project"),
    "kpi.covered_of": ("已覆盖 {covered} 人", "{covered} within reach"),
    # indicators (names used by geo.indicators)
    "indicator.coverage": ("所选群体覆盖率", "Coverage of selected groups"),
    "indicator.unreached": ("未覆盖人数", "People out of reach"),
    "indicator.sites_per_1000": ("每千人站点数", "Sites per 1,000 people"),
    "indicator.funding_per_person": ("人均创投资金（元）", "Funding per person (yuan)"),
    "indicator.funding_yuan": ("建议分配资金", "Recommended allocation"),
    "legend.no_data": ("无数据", "No data"),
    "legend.no_data_or_protected": (
        "无数据或不公开（小数字）",
        "No data, or withheld (small counts)",
    ),
    # map
    "map.township": ("乡镇", "Township"),
    "map.sites": ("服务点位", "Service sites"),
    "map.catchments": ("服务半径", "Catchments"),
    "map.unreached": ("未覆盖村居", "Villages out of reach"),
    "map.show_catchments": ("显示服务半径圈", "Catchment circles"),
    "map.show_catchments_help": (
        "每个点位按所选群体的服务半径画圈。选了三个以上群体时圈会互相重叠，默认不显示。",
        "A circle of each group's radius around every site. With three or more groups the "
        "circles overlap everywhere, so they start hidden.",
    ),
    "map.popup.category": ("类别", "Category"),
    "map.popup.groups": ("服务群体", "Groups served"),
    "map.popup.township": ("所属乡镇", "Township"),
    "map.popup.rating": ("评估等级", "Rating"),
    "map.popup.inspected": ("年检", "Annual inspection"),
    "map.popup.capacity": ("服务能力（人/年）", "Capacity (people/year)"),
    "map.popup.unreached": ("未覆盖 {n} 人", "{n} people out of reach"),
    "map.unreached_by_township": (
        "未覆盖人口（村居太多，按乡镇汇总）",
        "People out of reach (too many villages: per township)",
    ),
    "map.popup.unreached_villages": (
        "{villages} 个村居共 {n} 人未覆盖",
        "{n} people out of reach in {villages} villages",
    ),
    "map.outside": ("不在任何乡镇内", "outside every township"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # overview
    "overview.title": ("总览", "Overview"),
    "overview.ranking": ("乡镇排名：{indicator}", "Township ranking: {indicator}"),
    "overview.ranking_cut": (
        "共 {n} 个乡镇，图中列出最高和最低的各 {k} 个；完整排名见导出的表格。",
        "{n} townships: the chart shows the {k} highest and the {k} lowest; the exported "
        "table ranks them all.",
    ),
    "overview.quality": ("社会组织评估与年检", "Organizations rated and inspected"),
    "overview.quality_note": (
        "评估参与率低、年检率低是报告指出的薄弱环节。",
        "The district report names low take-up of grading and of annual inspection as weak points.",
    ),
    "overview.unassigned": (
        "有 {sites} 个点位、{demand} 个需求点不在任何乡镇边界内，未计入乡镇合计。",
        "{sites} sites and {demand} demand points lie outside every township and are not "
        "in the township totals.",
    ),
    # coverage page
    "coverage.title": ("覆盖与缺口", "Coverage & gaps"),
    "coverage.gap_table": ("缺口排名", "Gap ranking"),
    "coverage.detail": ("{township}详情", "{township} in detail"),
    "coverage.pick": (
        "点击地图上的乡镇，或在左侧选择乡镇查看详情。",
        "Click a township on the map, or pick one, to see its detail.",
    ),
    "coverage.no_sites": ("所选条件下没有服务点位。", "No sites match the filters."),
    "coverage.sites_in": ("本乡镇点位", "Sites in this township"),
    "coverage.projects_in": ("本乡镇创投项目", "Venture projects here"),
    "coverage.by_group_note": (
        "只列服务所选群体（{groups}）的点位和项目，以及未写明群体的项目。",
        "Only the sites and projects that serve the chosen groups ({groups}), and projects "
        "that name no group.",
    ),
    "coverage.no_sites_here": (
        "本乡镇没有服务所选群体的点位。",
        "No site here serves the chosen groups.",
    ),
    "coverage.no_projects": (
        "本乡镇没有相关的创投项目。",
        "No venture project here for these groups.",
    ),
    "coverage.unreached_list": ("未覆盖村居清单：{where}", "Villages out of reach: {where}"),
    "coverage.unreached_cut": (
        "共 {n} 行，表中列出未覆盖人数最多的 {shown} 行；下载的 CSV/Excel 含全部行。",
        "{n} rows: the table shows the {shown} with the most people out of reach; the CSV "
        "and Excel downloads hold every row.",
    ),
    "coverage.unreached_help": (
        "每行是一个村居中某一群体的未覆盖人数，以及为该群体服务的最近点位和直线距离（米）。"
        "点击表头可排序。",
        "One row per village and group: the people out of reach and the nearest site serving "
        "that group, with the straight-line distance in metres. Click a header to sort.",
    ),
    "coverage.unreached_none": (
        "所选群体在这里都已覆盖。",
        "Everyone of the chosen groups here is within reach.",
    ),
    "coverage.download_csv": ("下载 CSV", "Download CSV"),
    "coverage.download_xlsx": ("下载 Excel", "Download Excel"),
    # funding page
    "funding.title": ("公益创投资金分配", "Venture funding allocation"),
    "funding.formula": (
        "分配办法：每个乡镇的得分 = 各群体“未覆盖人数 × 该群体权重”之和；"
        "乡镇分得的资金 = 总预算 × 本乡镇得分 ÷ 全区得分之和，按整百元取整，"
        "余数按最大余数法分配，保证合计正好等于总预算。"
        "若全区都已覆盖（得分全为 0），则按“需求人数 × 权重”分配。",
        "How it works: a township's score is the sum over groups of (people out of reach × "
        "the group's weight); its share of the budget is its score divided by the sum of all "
        "scores, rounded to whole hundreds of yuan by largest remainder so that the amounts add "
        "up to the budget exactly. If every score is 0, people in need × weight is used instead.",
    ),
    "funding.budget": ("总预算（元）", "Budget (yuan)"),
    "funding.weights": ("群体权重", "Group weights"),
    "funding.weight": ("{group}权重", "{group} weight"),
    "funding.recommended": ("建议分配", "Recommended"),
    "funding.actual": ("实际资助", "Actual"),
    "funding.chart": ("建议分配与实际资助对比（元）", "Recommended vs actual (yuan)"),
    "funding.total": ("合计 {total}", "Total {total}"),
    "funding.download_csv": ("下载表格（CSV）", "Download table (CSV)"),
    "funding.download_xlsx": ("下载表格（Excel）", "Download table (Excel)"),
    # table columns
    "col.code": ("代码", "Code"),
    "col.name": ("乡镇", "Township"),
    "col.organizations": ("社会组织", "Organizations"),
    "col.stations": ("服务站点", "Stations"),
    "col.people": ("服务对象", "People"),
    "col.covered": ("已覆盖", "Covered"),
    "col.unreached": ("未覆盖", "Out of reach"),
    "col.coverage": ("覆盖率", "Coverage"),
    "col.rated_share": ("评估率", "Rated"),
    "col.inspected_share": ("年检率", "Inspected"),
    "col.projects": ("创投项目", "Projects"),
    "col.projects_yuan": ("实际资助（元）", "Actual (yuan)"),
    "col.funding_score": ("分配得分", "Score"),
    "col.funding_share": ("建议比例", "Share"),
    "col.funding_yuan": ("建议分配（元）", "Recommended (yuan)"),
    "col.group": ("群体", "Group"),
    "col.radius_m": ("服务半径（米）", "Catchment (m)"),
    "col.weight": ("分配权重", "Funding weight"),
    "col.demand": ("需求人数", "People"),
    "col.site": ("点位", "Site"),
    "col.project": ("项目", "Project"),
    "col.kind": ("类型", "Kind"),
    "col.category": ("类别", "Category"),
    # data page
    "data.title": ("数据", "Data"),
    "data.loaded": ("已载入的数据", "Loaded data"),
    "data.source": ("来源", "Source"),
    "data.demo_source": ("内置示例数据", "Embedded sample data"),
    "data.counts": (
        "{townships} 个乡镇，{sites} 个点位，{demand} 条需求记录，{projects} 个创投项目",
        "{townships} townships, {sites} sites, {demand} demand rows, {projects} projects",
    ),
    "data.validation": ("当前数据的校验结果", "Checks of the current data"),
    "data.valid": (
        "当前数据（{name}）校验通过，没有发现问题。",
        "The current data ({name}) passed every check.",
    ),
    "data.problem_more": (
        "另有 {n} 条，见下方完整表格。",
        "{n} more: see the full table below.",
    ),
    "data.problem_table": ("完整问题表（可下载 CSV）", "Every problem as a table (CSV download)"),
    "data.warnings": ("{n} 条提示（数据仍可使用）", "Warnings: {n} (the data still loads)"),
    "data.errors": ("{n} 个错误，数据未被采用", "Errors: {n}; the data was not used"),
    "data.upload": ("上传数据集", "Upload a dataset"),
    "data.upload_help": (
        "上传整个数据集文件夹的 zip 压缩包，或分别上传 dataset.toml、townships、sites、"
        "demand（以及可选的 projects）文件。各乡镇分别报送的同一图层可一起上传，文件名写成 "
        "sites-仰化镇.xlsx、sites-来龙镇.xlsx 这样，系统会合并并报告重复和冲突。"
        "每次上传单独校验；校验通过后保存为草稿版本，只在您的会话中预览，发布后所有人可见。",
        "Upload a zip of a dataset folder, or the files themselves (dataset.toml, townships, "
        "sites, demand, optionally projects). A layer sent in one file per township can be "
        "uploaded together, named like sites-仰化镇.xlsx, sites-来龙镇.xlsx: they are combined, "
        "and repeats or conflicts are reported. Each upload is checked on its own; a valid one "
        "is saved as a draft version that only you preview until it is published.",
    ),
    "data.upload_zip_bad": ("无法读取上传的文件：{error}", "Cannot read the upload: {error}"),
    "upload.not_zip": (
        "{file} 不是有效的 zip 压缩包（文件可能已损坏，或只是把扩展名改成了 .zip）。",
        "{file} is not a valid zip archive (it may be damaged, or only renamed to .zip).",
    ),
    "upload.unsafe_path": (
        "{file} 中有指向文件夹外的路径：{detail}",
        "{file} holds a path that points outside its folder: {detail}",
    ),
    "data.templates": ("空白模板（Excel）", "Blank templates (Excel)"),
    "data.templates_help": (
        "每个图层一个模板：中文表头和一行示例，按示例格式填写后上传。",
        "One template per layer, with Chinese headers and one example row.",
    ),
    "data.template": ("{layer}模板", "{layer} template"),
    "data.groups": ("服务群体与参数", "Groups and parameters"),
    # free keys of dataset.toml (Dataset.metadata), shown on the data page
    "data.provenance": ("数据说明", "About this data"),
    "meta.source": ("数据来源", "Source"),
    "meta.source_date": ("来源日期", "Source date"),
    "meta.boundary_note": ("边界说明", "Boundaries"),
    "meta.generator": ("生成程序", "Generated by"),
    "meta.seed": ("随机种子", "Random seed"),
    "meta.year": ("年份", "Year"),
    "meta.license": ("许可", "Licence"),
    "meta.author": ("编制单位", "Compiled by"),
    "meta.contact": ("联系人", "Contact"),
    "meta.updated": ("更新日期", "Updated"),
    "meta.description": ("说明", "Description"),
    "meta.notes": ("备注", "Notes"),
    "layer.townships": ("乡镇边界", "Townships"),
    "layer.sites": ("服务点位", "Sites"),
    "layer.demand": ("服务需求", "Demand"),
    "layer.projects": ("创投项目", "Projects"),
    "problem.severity.error": ("错误", "Error"),
    "problem.severity.warning": ("提示", "Warning"),
    "problem.file": ("文件", "File"),
    "problem.row": ("行", "Row"),
    "problem.column": ("列", "Column"),
    "problem.message": ("说明", "Message"),
}

# --------------------------------------------------------------------------------------------
# Export strings (maps, briefing pack, tables): added by the exports work, keys "export.*"
# --------------------------------------------------------------------------------------------
_EXPORTS: dict[str, tuple[str, str]] = {
    # map titles and subtitles
    "export.title.indicator": ("{district}：{indicator}", "{district}: {indicator}"),
    "export.title.coverage": ("{district}：{group}服务覆盖情况", "{district}: reach of {group}"),
    "export.title.funding": ("{district}：公益创投建议分配", "{district}: recommended funding"),
    "export.sub.groups": ("服务群体：{groups}", "Groups: {groups}"),
    "export.sub.radii": ("服务半径：{radii}", "Catchments: {radii}"),
    "export.sub.budget": (
        "预算 {budget}，按“未覆盖人数 × 权重”分配；权重：{weights}",
        "Budget {budget}, shared by people out of reach × weight; weights: {weights}",
    ),
    "export.sub.meta": ("制图日期：{date}　　数据：{source}", "Date: {date}    Data: {source}"),
    "export.badge.demo": ("示例数据 / 示意边界", "Sample data / schematic boundaries"),
    "export.footer": (
        "数据来源：{source}　｜　{note}　｜　社会服务覆盖地图 制图",
        "Source: {source}  |  {note}  |  made with the service-coverage atlas",
    ),
    "export.note.demo": (
        "模拟数据，乡镇边界为示意，不可用于量算",
        "simulated data; township outlines are schematic, not for measurement",
    ),
    "export.note.real": ("乡镇边界以数据提供方为准", "township outlines as supplied"),
    "export.all_groups": ("全部{n}类群体", "all {n} groups"),
    "export.north": ("北", "N"),
    "export.sep": ("、", ", "),
    # map legends and labels
    "export.legend.catchment": ("站点服务范围", "Within a site's reach"),
    "export.legend.unreached": (
        "未覆盖村居（圆大小 = 未覆盖人数）",
        "Villages out of reach (size = people)",
    ),
    "export.legend.covered": ("已覆盖村居", "Villages within reach"),
    "export.legend.people": ("{n}人", "{n} people"),
    "export.legend.funding": ("建议分配（元）", "Recommended (yuan)"),
    "export.label.coverage": ("覆盖 {value}", "{value} reached"),
    "export.label.recommended": ("建议 {value}", "rec. {value}"),
    "export.label.actual": ("实际 {value}", "actual {value}"),
    "export.kpi.radius": ("服务半径", "Catchment"),
    "export.kpi.sites": ("服务该群体的点位", "Sites serving the group"),
    "export.kpi.budget": ("预算", "Budget"),
    "export.kpi.actual": ("实际资助合计", "Actual total"),
    # briefing pack
    "export.pack.title": ("社会服务覆盖情况汇报", "Social-service coverage briefing"),
    "export.pack.subtitle": (
        "为老 · 为小 · 为残 · 为特 · 为困　服务覆盖、缺口与公益创投资金分配",
        "Reach, gaps and venture-funding allocation for vulnerable groups",
    ),
    "export.pack.date": ("日期：{date}", "Date: {date}"),
    "export.pack.status": ("数据状态：{status}", "Data status: {status}"),
    "export.pack.status_demo": (
        "示例数据（模拟），乡镇边界为示意，不代表实际情况",
        "sample data (simulated), schematic township outlines, not the real situation",
    ),
    "export.pack.status_real": ("{name}，校验通过", "{name}, validated"),
    "export.pack.warnings": (
        "（{n} 条数据提示，见最后一页）",
        " ({n} data warnings, see last page)",
    ),
    "export.pack.source": ("数据来源：{source}", "Source: {source}"),
    "export.pack.contents": ("内容", "Contents"),
    "export.pack.overview": ("总览：{indicator}", "Overview: {indicator}"),
    "export.pack.coverage": ("{group}服务覆盖", "Reach of {group}"),
    "export.pack.gaps": ("乡镇缺口排名", "Townships ranked by gap"),
    "export.pack.gaps_chart": ("各乡镇未覆盖人数", "People out of reach by township"),
    "export.pack.funding": (
        "公益创投：建议分配与实际资助",
        "Venture funding: recommended and actual",
    ),
    "export.pack.funding_chart": ("建议分配与实际资助对比", "Recommended vs actual funding"),
    "export.pack.changes": ("与上年相比的变化（{years}）", "What changed ({years})"),
    "export.pack.method": ("方法与数据说明", "Method and provenance"),
    "export.pack.page": ("第 {n} 页，共 {total} 页", "Page {n} of {total}"),
    "export.method.coverage": (
        "覆盖：村居的某类服务对象，若至少有一个服务该群体的点位位于其服务半径之内（含边界），"
        "即计为已覆盖；只有乡镇合计数的需求，按乡镇面积中落在服务范围内的比例计为已覆盖。"
        "距离为 WGS-84 椭球面上的测地线距离，面积在各乡镇的局部等积投影中量算，跨省跨带皆准。"
        "覆盖率 = 已覆盖人数 ÷ 服务对象人数。",
        "Reach: people of a group at a village count as reached when at least one site serving "
        "the group lies within its catchment radius (the edge counts); demand given only per "
        "township counts by the share of the township's area inside the catchments. Distances "
        "are geodesics on the WGS-84 ellipsoid and areas are measured in an equal-area frame "
        "per township, right at any extent. Coverage = reached ÷ people.",
    ),
    "export.method.groups": ("服务群体与参数", "Groups and parameters"),
    "export.method.coverage_head": ("覆盖如何计算", "How reach is computed"),
    "export.method.funding_head": ("资金如何分配", "How the budget is shared"),
    "export.col.sites": ("点位数", "Sites"),
    "export.method.sources": ("数据来源与说明", "Data sources and notes"),
    "export.method.simulated": (
        "本材料使用内置示例数据：乡镇代码与驻地、2021年报告中的组织数量与创投项目为公开资料，"
        "村居位置、各群体人数、站点位置与乡镇边界均为模拟，仅供演示。",
        "This pack uses the embedded sample data: township codes and seats and the 2021 report's "
        "organization counts and venture projects are public facts; village locations, people "
        "per group, station locations and township outlines are simulated for demonstration.",
    ),
    "export.method.unassigned": (
        "不在任何乡镇边界内的点位：{sites} 个点位，{demand} 个需求点（未计入乡镇合计）",
        "Outside every township: {sites} sites, {demand} demand points (not in the totals)",
    ),
    "export.method.software": (
        "制图：社会服务覆盖地图（开源），字体：{font}",
        "Made with the service-coverage atlas (open source); font: {font}",
    ),
    # tables
    "export.sheet.townships": ("乡镇汇总", "Townships"),
    "export.sheet.groups": ("分群体覆盖", "By group"),
    "export.sheet.gaps": ("缺口排名", "Gaps"),
    "export.sheet.funding": ("资金分配", "Funding"),
    "export.sheet.sites": ("服务点位", "Sites"),
    "export.sheet.unassigned": ("不在乡镇内的点位", "Outside townships"),
    "export.sheet.unreached": ("未覆盖村居", "Villages out of reach"),
    "export.township.title": ("{township}服务覆盖一页纸", "{township}: one-page summary"),
    "export.township.this": ("本乡镇", "This township"),
    "export.siting.title": (
        "{district}：{group}新增站点选址建议",
        "{district}: new stations for {group}",
    ),
    "export.siting.sub": (
        "建议新增 {k} 个站点，每个服务半径 {radius} 米；紫色为规划人员假设的站点",
        "{k} suggested stations, each reaching {radius} m; purple: stations the planner placed",
    ),
    "siting.download_png": ("地图（PNG）", "Map (PNG)"),
    "siting.download_pdf": ("地图（PDF）", "Map (PDF)"),
    "export.ui.township": ("乡镇一页纸（PDF）", "One-page township sheet (PDF)"),
    "export.file.township": ("乡镇一页纸", "township-sheet"),
    "export.township.groups": ("分群体覆盖", "Coverage by group"),
    "export.township.reached_all": (
        "所选群体均在服务半径内",
        "Within reach for every chosen group",
    ),
    "export.township.unreached_dot": (
        "未覆盖村居（按未覆盖人数）",
        "Village out of reach (by people)",
    ),
    "export.township.figure": ("指标", "Figure"),
    "export.township.district": ("全区", "District"),
    "export.township.rank_col": ("排名", "Rank"),
    "export.township.rank": ("{n}/{total}", "{n} of {total}"),
    "export.township.coverage_here": ("本乡镇覆盖率", "Coverage here"),
    "export.township.coverage_district": ("全区覆盖率", "District coverage"),
    "export.township.villages": ("未覆盖村居（{n} 个）", "Villages out of reach ({n})"),
    "export.township.sites": ("服务点位（{n} 个）", "Sites ({n})"),
    "export.township.projects": ("公益创投项目（{n} 个）", "Venture projects ({n})"),
    "export.township.more": ("另有 {n} 行，见“全部表格”", "{n} more rows in the tables workbook"),
    "export.township.year": ("年度", "Year"),
    "export.col.village_id": ("村居编号", "Village ID"),
    "export.col.village": ("村居", "Village"),
    "export.col.nearest_site": ("最近的服务点位", "Nearest serving site"),
    "export.col.distance_m": ("距离（米）", "Distance (m)"),
    "export.col.site_radius_m": ("该点位服务半径（米）", "Its reach (m)"),
    "export.col.rank": ("排名", "Rank"),
    "export.col.id": ("编号", "ID"),
    "export.col.site_name": ("名称", "Name"),
    "export.col.township_code": ("乡镇代码", "Township code"),
    "export.col.layer": ("图层", "Layer"),
    "export.col.groups": ("服务群体", "Groups served"),
    "export.col.rating": ("评估等级", "Rating"),
    "export.col.inspected": ("年检", "Inspected"),
    "export.col.radius_m": ("服务半径（米）", "Radius (m)"),
    "export.col.capacity": ("服务能力（人/年）", "Capacity (people/year)"),
    "export.col.weight": ("权重", "Weight"),
    "export.col.lon": ("经度", "Longitude"),
    "export.col.lat": ("纬度", "Latitude"),
    "export.col.difference": ("建议减实际（元）", "Recommended − actual (yuan)"),
    "export.col.category": ("类别", "Category"),
    "export.total": ("合计", "Total"),
    "export.about.item": ("项目", "Item"),
    "export.about.value": ("内容", "Value"),
    "export.about.date": ("制表日期", "Date"),
    "export.about.status": ("数据状态", "Data status"),
    "export.about.edition": ("版本", "Edition"),
    "funding.withheld": (
        "公开版不显示建议分配：它由各乡镇未覆盖人数算出，可推算出小数字。",
        "The public view leaves out the recommended split: it follows every township's count "
        "out of reach, and would give small counts away.",
    ),
    "edition.public_short": ("公开版", "Public view"),
    "edition.internal_short": ("内部版", "Internal view"),
    "edition.public": ("公开版：不足阈值的小数字不显示", "Public view: small counts withheld"),
    "edition.internal": (
        "内部版：含全部数字，勿外传",
        "Internal view: every count, not for release",
    ),
    "export.edition.internal": (
        "内部（含全部数字，勿外传）",
        "Internal (all counts; not for release)",
    ),
    "export.edition.public": (
        "公开（不足 {k} 人的数字显示为“<{k}”，可据此推算出小数字的数显示为“*”）",
        'Public (counts under {k} read "<{k}"; figures that would give one away by '
        'subtraction read "*")',
    ),
    "export.about.group": ("{group}：服务半径（米）/ 权重", "{group}: radius (m) / weight"),
    # download buttons on the dashboard pages
    "export.ui.title": ("导出报告材料", "Export for reports"),
    "export.ui.help": (
        "按当前页面的群体和参数生成。",
        "Made for this page's groups and parameters.",
    ),
    "export.ui.font_wait": (
        "正在准备导出用的中文字体（仅此一次，约需一分钟）；在此之前导出地图和简报会等待它完成。",
        "Preparing the Chinese font for the exports (once only, about a minute); until then "
        "map and briefing-pack exports wait for it.",
    ),
    "export.ui.map_png": ("地图（PNG，300 dpi）", "Map (PNG, 300 dpi)"),
    "export.ui.map_pdf": ("地图（PDF）", "Map (PDF)"),
    "export.ui.pack": ("汇报材料（PDF）", "Briefing pack (PDF)"),
    "export.ui.tables": ("全部表格（Excel）", "All tables (Excel)"),
    "export.ui.html": ("交互地图（HTML）", "Interactive map (HTML)"),
    "export.file.map": ("地图", "map"),
    "export.file.pack": ("汇报材料", "briefing"),
    "export.file.tables": ("表格", "tables"),
    "export.file.html": ("交互地图", "web-map"),
}


# --------------------------------------------------------------------------------------------
# Siting and accessibility strings: the 选址建议 page and the coverage page's accessibility
# layer, keys "page.siting", "siting.*", "whatif.*" and "access.*"
# --------------------------------------------------------------------------------------------
_SITING: dict[str, tuple[str, str]] = {
    "page.siting": ("选址建议", "Siting"),
    "siting.title": ("选址建议", "Where should new stations go?"),
    "siting.intro": (
        "为所选群体推荐 K 个新站点位置，使新纳入服务半径的人数最多；现有站点保留不动。"
        "候选位置默认是各村居，也可上传候选点清单。",
        "K new station locations for the chosen group that bring the most people newly within "
        "reach; existing sites stay. Candidates are the villages, or a list you upload.",
    ),
    # sidebar
    "siting.group": ("选址针对的群体（所选 {n} 个之一）", "Plan for (one of the {n} chosen)"),
    "siting.group_only": ("选址针对：{group}", "Planning for: {group}"),
    "siting.group_help": (
        "选址一次只能针对一个群体；可选的是上面“服务群体”中选中的群体。",
        "Siting plans for one group at a time: one of the groups chosen above.",
    ),
    "siting.count": ("新增站点数 K", "New stations (K)"),
    "siting.reach": ("服务范围", "Reach"),
    "siting.reach.radius": ("半径（米）", "Radius (m)"),
    "siting.reach.minutes": ("出行时间", "Travel time"),
    "siting.radius": ("新站点服务半径（米）", "Catchment of a new station (m)"),
    "siting.minutes": ("出行时间（分钟）", "Travel time (minutes)"),
    "siting.mode": ("出行方式", "Travel mode"),
    "siting.minutes_note": (
        "{minutes} 分钟{mode} ≈ 直线距离 {metres} 米（时速 {speed} 公里，道路绕行系数 {detour}）",
        "{minutes} min by {mode} ≈ {metres} m in a straight line ({speed} km/h, detour "
        "factor {detour})",
    ),
    "siting.radius_note": (
        "≈ {minutes} 分钟{mode}（时速 {speed} 公里，道路绕行系数 {detour}）",
        "≈ {minutes} min by {mode} ({speed} km/h, detour factor {detour})",
    ),
    "siting.candidates": ("候选点", "Candidate locations"),
    "siting.candidates_help": (
        "默认以各村居为候选位置。可上传 CSV 或 XLSX 清单，列：编号、经度、纬度，名称可选；"
        "坐标系与数据集相同（{datum}）。",
        "By default the villages are the candidates. Upload a CSV or XLSX list with columns "
        "id, lon, lat and optionally name, in the dataset's datum ({datum}).",
    ),
    "siting.candidates_upload": ("上传候选点清单", "Upload a candidate list"),
    "siting.candidates_villages": ("候选点：全部村居（{n} 个）", "Candidates: all villages ({n})"),
    "siting.candidates_file": ("候选点：{name}（{n} 个）", "Candidates: {name} ({n})"),
    "siting.candidates_failed": (
        "候选点清单有 {n} 处问题，未采用；仍使用原有候选点。",
        "The candidate list has {n} problem(s) and was not used; the previous candidates stay.",
    ),
    "siting.candidates_reset": ("改回村居", "Back to the villages"),
    # key figures
    "siting.kpi.before": ("现状覆盖率（村居）", "Coverage now (villages)"),
    "siting.kpi.after": ("增设 {k} 个站点后", "With {k} new stations"),
    "siting.kpi.gain": ("新增覆盖人数", "People newly reached"),
    "siting.kpi.per_station": ("平均每站 {n} 人", "{n} per station"),
    "siting.kpi.quality": ("达到最优方案的", "Of the best possible"),
    "siting.kpi.optimal": ("已证明最优", "proven optimal"),
    "siting.kpi.bound": ("最优方案至多新增 {n} 人", "best possible ≤ {n}"),
    "siting.kpi.covered": ("已覆盖 {n} 人", "{n} within reach"),
    "siting.kpi.points": ("+{pp} 个百分点", "+{pp} points"),
    "siting.none": (
        "没有候选位置能再覆盖新的人：所有村居都已在现有站点服务范围内，或候选点都不在范围内。",
        "No candidate reaches anyone new: every village is within reach already, or no "
        "candidate is near the people out of reach.",
    ),
    "siting.fewer": (
        "只找到 {n} 个能覆盖新人群的位置（要求 {k} 个）。",
        "Only {n} locations reach anyone new ({k} asked for).",
    ),
    "siting.unlocated": (
        "{n} 条乡镇级需求记录没有坐标，不参与选址计算。",
        "{n} township-level demand rows have no coordinates and are left out of the siting.",
    ),
    # map
    "siting.map_help": (
        "地图：橙色数字为建议站点（1 为首选），紫色为假设站点；村居按覆盖情况着色，大小表示人数。",
        "Map: orange numbers are the suggestions (1 first), purple the hypothetical stations; "
        "villages are coloured by what reaches them and sized by their people.",
    ),
    "siting.reach.existing": ("现有站点已覆盖", "Reached now"),
    "siting.reach.suggested": ("建议站点新覆盖", "Reached by a suggestion"),
    "siting.reach.hypothetical": ("假设站点新覆盖", "Reached by a hypothetical"),
    "siting.reach.unreached": ("仍未覆盖", "Still out of reach"),
    "siting.people": ("{n} 人", "{n} people"),
    "siting.suggestion_one": ("建议站点 {rank}", "Suggested station {rank}"),
    "siting.hypothetical_one": ("假设站点 {label}", "Hypothetical station {label}"),
    "siting.hyp_label": ("假{n}", "H{n}"),
    "siting.gain_tip": ("新增覆盖 {n} 人", "{n} people newly within reach"),
    "siting.legend.title": ("选址建议：{group}", "Siting: {group}"),
    "siting.legend.suggested": ("建议站点（序号）", "Suggested station (rank)"),
    "siting.legend.hypothetical": ("假设站点", "Hypothetical station"),
    "siting.legend.sites": ("现有站点", "Existing sites"),
    "siting.legend.note": ("新站点服务半径 {radius} 米", "New stations reach {radius} m"),
    # table and downloads
    "siting.table": ("建议站点", "Suggested stations"),
    "siting.col.rank": ("序号", "Rank"),
    "siting.col.township": ("所属乡镇", "Township"),
    "siting.col.candidate": ("候选点编号", "Candidate id"),
    "siting.col.name": ("名称", "Name"),
    "siting.col.lon": ("经度（WGS-84）", "Longitude (WGS-84)"),
    "siting.col.lat": ("纬度（WGS-84）", "Latitude (WGS-84)"),
    "siting.col.gain": ("新增覆盖人数", "People newly reached"),
    "siting.download_csv": ("下载 CSV", "Download CSV"),
    "siting.download_xlsx": ("下载 Excel", "Download Excel"),
    "siting.file": ("选址建议", "siting"),
    # what if
    "whatif.title": ("假设站点", "Hypothetical stations"),
    "whatif.typed": ("输入经纬度添加", "Add by coordinates"),
    "whatif.help": (
        "点击地图，或输入经纬度，为“{group}”添加假设站点（服务半径同上）；覆盖率和可及性立即重算。"
        "假设站点只保存在本次会话中，不改动数据。",
        "Click the map, or type coordinates, to add a hypothetical station for '{group}' (same "
        "catchment as above); coverage and accessibility are recomputed at once. Hypothetical "
        "stations live in this session only; the data stay as they are.",
    ),
    "whatif.click": ("点击地图即添加假设站点", "A click on the map adds a station"),
    "whatif.lon": ("经度", "Longitude"),
    "whatif.lat": ("纬度", "Latitude"),
    "whatif.datum": ("坐标系：{datum}", "Datum: {datum}"),
    "whatif.add": ("添加假设站点", "Add hypothetical station"),
    "whatif.capacity": (
        "假设站点服务能力（人/年）",
        "Capacity of a hypothetical station (people/yr)",
    ),
    "whatif.capacity_help": (
        "用于可及性得分；默认取该群体现有站点服务能力的中位数。0 表示未填写（按 1 计）。",
        "Used by the accessibility score; by default the median capacity of the group's sites. "
        "0 means not given (counted as 1).",
    ),
    "whatif.none": ("尚未添加假设站点。", "No hypothetical station yet."),
    "whatif.station": (
        "**{label}** · {township} · {lon}, {lat} · 新增覆盖 {gain} 人",
        "**{label}** · {township} · {lon}, {lat} · {gain} people newly reached",
    ),
    "whatif.remove": ("移除", "Remove"),
    "whatif.remove_all": ("全部移除", "Remove all"),
    "whatif.other_groups": (
        "另有 {n} 个假设站点属于其他群体，未计入。",
        "{n} more hypothetical stations belong to other groups and are not counted here.",
    ),
    "whatif.kpi.coverage": ("假设后覆盖率", "What-if coverage"),
    "whatif.kpi.gain": ("假设站点新增覆盖", "Newly reached"),
    "whatif.kpi.score": ("全区可及性得分", "Accessibility (district)"),
    "whatif.kpi.now": ("现状 {value}", "now {value}"),
    "whatif.kpi.change": ("{change}（现状 {value}）", "{change} (now {value})"),
    "whatif.towns": ("各乡镇可及性得分（2SFCA）", "Accessibility by township (2SFCA)"),
    "whatif.col.before": ("现状得分", "Score now"),
    "whatif.col.after": ("含假设站点", "With hypothetical"),
    "whatif.col.change": ("变化", "Change"),
    "whatif.outside": ("该点不在任何乡镇内。", "That point lies outside every township."),
    # accessibility
    "access.layer": ("地图图层", "Map layer"),
    "access.layer.coverage": ("覆盖情况", "Coverage"),
    "access.layer.points": ("可及性：村居得分", "Accessibility: villages"),
    "access.layer.townships": ("可及性：乡镇得分", "Accessibility: townships"),
    "access.group": ("可及性群体", "Group for accessibility"),
    "access.method": ("计算方法", "Method"),
    "access.method.2sfca": ("两步移动搜索法（2SFCA）", "Two-step floating catchment (2SFCA)"),
    "access.method.e2sfca": (
        "增强两步移动搜索法（E2SFCA，距离衰减）",
        "Enhanced 2SFCA (E2SFCA, distance decay)",
    ),
    "access.score": ("可及性得分", "Accessibility score"),
    "access.title.2sfca": ("{group}可及性（2SFCA）", "{group}: accessibility (2SFCA)"),
    "access.title.e2sfca": ("{group}可及性（E2SFCA）", "{group}: accessibility (E2SFCA)"),
    "access.none_in_reach": ("服务范围内无站点（0）", "No site within reach (0)"),
    "access.capacity_note": (
        "{n}/{total} 个站点未填服务能力，按 1 计",
        "{n} of {total} sites have no capacity, counted as 1",
    ),
    "access.explain": (
        "可及性得分 = 服务范围内各站点的“服务能力 ÷ 其服务范围内的需求人数”之和，即每名服务对象"
        "可分得的服务能力（人/年）；0 表示服务范围内没有站点。",
        "Accessibility score = the sum, over the sites within reach, of capacity ÷ the people "
        "within that site's reach: capacity (people a year) per person; 0 means no site within "
        "reach.",
    ),
    "access.capacity_warning": (
        "注意：该群体的 {total} 个站点中有 {n} 个未填服务能力，计算时按 1 计，其周边得分会偏低。",
        "Note: {n} of the group's {total} sites have no capacity and count as 1, so scores "
        "around them are low.",
    ),
}


# --------------------------------------------------------------------------------------------
# The office's versions of its data (the data page, the banner on every page)
# --------------------------------------------------------------------------------------------
_VERSIONS: dict[str, tuple[str, str]] = {
    "version.name": ("第 {id} 版「{label}」", "version {id} “{label}”"),
    "version.describe": (
        "数据仓库 {name} · {status} · {who} 于 {date} 添加",
        "store {name} · {status} · added by {who} on {date}",
    ),
    "version.folder": (
        "文件夹：{folder}（由服务配置指定）",
        "folder: {folder} (set by the server)",
    ),
    "version.demo": (
        "内置示例数据（模拟；数据仓库中尚无已发布的版本）",
        "embedded sample data (simulated; the store has no published version yet)",
    ),
    "version.published": ("已发布", "published"),
    "version.draft": ("未发布", "not published"),
    "version.archived": ("已归档", "archived"),
    "version.draft_status": ("草稿（未发布）", "DRAFT (not published)"),
    "version.id": ("版本", "Version"),
    "version.label": ("标签", "Label"),
    "version.status": ("状态", "Status"),
    "version.shown": ("正在查看", "Shown"),
    "version.added_by": ("添加人", "Added by"),
    "version.added_at": ("添加时间", "Added at"),
    "version.note": ("说明", "Note"),
    "version.warnings": ("提示数", "Warnings"),
    "version.draft_notice": (
        "草稿预览：各页显示的是{name}（{who} 上传，尚未发布），只有您的会话能看到。"
        "确认无误后请到「数据」页发布。",
        "Draft preview: every page shows {name} (uploaded by {who}, not published); only "
        "your session sees it. Publish it on the Data page once it is right.",
    ),
    "version.older_notice": (
        "您正在查看{name}，不是当前发布的版本（来自链接或预览）。",
        "You are looking at {name}, not the published version (from a link or a preview).",
    ),
    "version.base_is": (
        "所有人看到的是{name}（{date}）。",
        "Everyone else sees {name} ({date}).",
    ),
    "version.leave_draft": ("退出草稿预览", "Leave the draft preview"),
    "version.show_base": ("显示当前发布的版本", "Show the published version"),
    "version.link_missing": (
        "链接中的版本 {id} 不存在或已归档，现显示当前发布的数据。",
        "The link's version {id} does not exist or was archived; showing the published data.",
    ),
    "version.briefing": ("数据：{name} · {date}", "Data: {name} · {date}"),
    "data.versions": ("数据版本", "Versions"),
    "data.no_versions": (
        "数据仓库中还没有版本。在下方上传本单位的数据集，校验通过后即成为草稿版本。",
        "The store holds no version yet. Upload the office's dataset below; once valid it "
        "becomes a draft version.",
    ),
    "data.version_pick": ("选择版本", "Choose a version"),
    "data.preview": ("在本会话中预览", "Preview in this session"),
    "data.publish": ("发布此版本", "Publish this version"),
    "data.rollback": ("回滚到此版本", "Roll back to this version"),
    "data.download_zip": ("下载此版本（zip）", "Download this version (zip)"),
    "data.published": (
        "已发布{name}：所有人在下次刷新或操作时看到此版本。",
        "Published {name}: everyone sees it at their next reload or click.",
    ),
    "data.configured_note": (
        "注意：本服务启动时指定了数据 {source}，所有访问者默认看到的是它，而不是发布的版本。",
        "Note: this server was started on {source}; visitors see that by default, not the "
        "published version.",
    ),
    "data.actor": ("经办人（记入版本记录）", "Your name (kept in the version record)"),
    "data.actor_hint": ("例如：张明", "e.g. Zhang Ming"),
    "data.actor_needed": (
        "请先在上方填写经办人姓名。",
        "Enter your name above first.",
    ),
    "data.label": ("版本标签", "Version label"),
    "data.label_hint": ("例如：2026年度", "e.g. 2026"),
    "data.note": ("说明（可选）", "Note (optional)"),
    "data.save_draft": ("校验并保存为草稿", "Validate and save as a draft"),
    "data.checking": ("正在校验……", "Checking…"),
    "data.judged": ("本次上传：{files}", "This upload: {files}"),
    "data.upload_failed": (
        "上传的数据有错误，未保存；所有人看到的数据保持不变。",
        "The upload has errors and was not saved; the data everyone sees is unchanged.",
    ),
    "data.draft_saved": (
        "已保存为草稿：{name}。现在各页预览此草稿（仅本会话）；确认无误后在上方「数据版本」中发布。",
        "Saved as a draft: {name}. Every page now previews it (this session only); publish it "
        "under Versions above once it is right.",
    ),
    "data.duplicate": (
        "内容与已有的{name}完全相同，未重复保存；现在各页预览该版本。",
        "The content is identical to {name}, so nothing new was saved; every page now shows "
        "that version.",
    ),
    "data.replace": ("只替换一个图层", "Replace one layer"),
    "data.replace_help": (
        "以当前发布的{name}为基础，换上一个新文件（例如今年的站点表），整体校验通过后保存为草稿。",
        "Put one new file (e.g. this year's sites) on top of the published {name}; the whole "
        "dataset is validated before it is saved as a draft.",
    ),
    "data.replace_needs_published": (
        "还没有已发布的版本：请先上传完整的数据集并发布。",
        "No version is published yet: upload a whole dataset and publish it first.",
    ),
    "data.replace_layer": ("要替换的图层", "Layer to replace"),
    "data.replace_file": ("新文件", "New file"),
    "data.layer_note": ("在第 {id} 版基础上替换{layer}", "{layer} replaced on version {id}"),
    "data.layer_done": (
        "在第 {base} 版基础上替换了{layer}，其余图层不变。",
        "{layer} was replaced on version {base}; the other layers are unchanged.",
    ),
    "upload.wrong_format": (
        "{file} 的格式不适用于该图层（可用：{detail}）。",
        "{file} is not a format this layer accepts (accepted: {detail}).",
    ),
    "data.log": ("变更记录", "Change log"),
    "log.at": ("时间", "When"),
    "log.actor": ("经办人", "Who"),
    "log.action": ("操作", "Action"),
    "log.from": ("原版本", "From"),
    "log.to": ("新版本", "To"),
    "log.add": ("添加", "added"),
    "log.publish": ("发布", "published"),
    "log.rollback": ("回滚", "rolled back"),
    "log.archive": ("归档", "archived"),
    "log.subject": ("对象", "Subject"),
    "log.user_add": ("添加用户", "user added"),
    "log.user_role": ("更改角色", "role changed"),
    "log.user_disable": ("停用用户", "user disabled"),
    "log.user_enable": ("启用用户", "user enabled"),
    "log.user_password": ("重设密码", "password reset"),
    "log.login": ("登录", "logged in"),
    "log.login_failed": ("登录失败", "login failed"),
    "log.logout": ("退出登录", "logged out"),
    "data.archive": ("归档此版本", "Archive this version"),
    "data.archived": (
        "已归档：{name}（数据已删除，记录保留）",
        "Archived: {name} (data removed, record kept)",
    ),
    "data.users": ("用户", "Users"),
    "accounts.pick": ("账户", "Account"),
    "accounts.set_role": ("更改角色", "Change the role"),
    "accounts.disable": ("停用此账户", "Disable this account"),
    "accounts.enable": ("重新启用此账户", "Enable this account again"),
    "accounts.new_password": ("{name} 的新密码", "New password for {name}"),
    "accounts.reset": ("重设密码", "Reset the password"),
    "data.users_help": (
        "新账户在服务器上添加：geo users add 姓名 --role planner"
        "（该命令也可更改角色、停用、重设密码）。",
        "New accounts are added on the server: geo users add NAME --role planner (which also "
        "changes roles, disables and resets passwords).",
    ),
}


# --------------------------------------------------------------------------------------------
# Single sign-on (st.login and the [atlas_sso] role mapping): keys "sso.*"
# --------------------------------------------------------------------------------------------
_SSO: dict[str, tuple[str, str]] = {
    "sso.button": ("使用单位账号登录", "Sign in with the office account"),
    "sso.refused.no_role": (
        "{name} 已通过单位认证，但未被授权使用本系统（{claim} 中没有对应的组或角色）。"
        "请联系管理员开通。",
        "{name} signed in with the office, but has no role in the atlas (no group or role "
        "in {claim} is mapped to one). Ask your administrator for access.",
    ),
    "sso.refused.disabled": (
        "账号 {name} 已被管理员停用，无法登录。",
        "The account {name} was disabled by an administrator and cannot sign in.",
    ),
    "sso.refused.local_account": (
        "本系统已有名为 {name} 的本地账号，统一认证不能使用该名称登录。请联系管理员。",
        "The atlas already has a local account named {name}; single sign-on cannot sign in "
        "under that name. Ask your administrator.",
    ),
    "sso.refused.no_name": (
        "单位认证返回的身份信息中没有可用的账号名（{claim}），无法登录。",
        "The office's sign-in named no usable account ({claim}), so you cannot sign in.",
    ),
    "sso.store_unavailable": (
        "数据仓库无法打开，登录无法记录，因此暂不能登录：{message}",
        "The store cannot be opened, so the sign-in cannot be recorded and is refused: {message}",
    ),
    "sso.config_invalid": (
        "单点登录配置（secrets.toml 的 [atlas_sso] 部分）有误：{message}",
        "The single sign-on settings ([atlas_sso] in secrets.toml) are wrong: {message}",
    ),
    "sso.error.unknown_key": (
        "不认识的设置 {keys}（可用：{known}）",
        "unknown settings {keys} (known: {known})",
    ),
    "sso.error.no_claim": (
        "缺少 role_claim：请写明哪个声明（如 groups、roles）给出角色",
        "role_claim is missing: name the claim (e.g. groups, roles) that gives the role",
    ),
    "sso.error.bad_default": (
        'default 只能是 "none"（拒绝）或 "viewer"（查看），而不是 {value}',
        'default must be "none" (refuse) or "viewer", not {value}',
    ),
    "sso.error.bad_values": (
        '{role} 应是字符串列表，例如 ["atlas-{role}s"]',
        '{role} must be a list of strings, e.g. ["atlas-{role}s"]',
    ),
    "sso.error.no_roles": (
        "admin、planner、viewer 都没有列出任何值，而 default 为 none：没有人能登录",
        "admin, planner and viewer list no values while default is none: nobody could sign in",
    ),
    "store.login_reason.no_role": ("无对应角色（单点登录）", "no mapped role (single sign-on)"),
    "store.login_reason.local_account": (
        "同名本地账号（单点登录）",
        "a local account has that name (single sign-on)",
    ),
    "store.login_reason.no_name": ("无账号名（单点登录）", "no account name (single sign-on)"),
}


# --------------------------------------------------------------------------------------------
# Year against year and the briefing deck: keys "page.compare", "compare.*", "deck.*"
# --------------------------------------------------------------------------------------------
_COMPARE: dict[str, tuple[str, str]] = {
    "page.compare": ("年度对比", "Year on year"),
    "meta.outline_source": ("区界来源", "District outline"),
    "compare.title": ("年度对比", "This year against last year"),
    "compare.years": ("{old} → {new}", "{old} → {new}"),
    "compare.none": (
        "没有可对比的上一年度数据。示例数据自带 2020 年数据；"
        "数据仓库中的已发布版本与它之前发布的版本对比；"
        "两个文件夹可用命令行对比：python -m geo compare 上年文件夹 今年文件夹。",
        "No earlier year to compare with. The demo comes with 2020; a published version is "
        "compared with the version published before it; two folders can be compared on the "
        "command line: python -m geo compare OLD NEW.",
    ),
    "compare.left_out": (
        "只有一个年度有的服务群体不参与对比：{groups}",
        "Groups only one year has are not compared: {groups}",
    ),
    "compare.pp": ("{value}个百分点", "{value} pp"),
    "compare.kpi.coverage": ("覆盖率", "Coverage"),
    "compare.kpi.unreached": ("未覆盖（人）", "Out of reach"),
    "compare.kpi.opened": ("新增站点/组织", "Sites opened"),
    "compare.kpi.closed": ("撤销站点/组织", "Sites closed"),
    "compare.kpi.moved": ("{n} 处位置变动（超过 50 米）", "{n} moved more than 50 m"),
    "compare.kpi.was": ("上年 {value}", "last year {value}"),
    "compare.gains": ("覆盖率提高最多", "Biggest gains"),
    "compare.losses": ("覆盖率下降最多", "Biggest losses"),
    "compare.no_gains": ("没有乡镇覆盖率提高。", "No township gained coverage."),
    "compare.no_losses": ("没有乡镇覆盖率下降。", "No township lost coverage."),
    "compare.rank_line": (
        "{name}：{old} → {new}（{change}）",
        "{name}: {old} → {new} ({change})",
    ),
    "compare.table": ("各乡镇对比", "Township by township"),
    "compare.sites_table": ("站点变化", "Sites that changed"),
    "compare.status.both": ("两年都有", "both years"),
    "compare.status.old_only": ("仅上年有", "last year only"),
    "compare.status.new_only": ("仅今年有", "this year only"),
    "compare.col.name": ("乡镇", "Township"),
    "compare.col.status": ("状态", "Status"),
    "compare.col.coverage_old": ("上年覆盖率", "Coverage last year"),
    "compare.col.coverage_new": ("今年覆盖率", "Coverage this year"),
    "compare.col.coverage_change_pp": ("变化（百分点）", "Change (pp)"),
    "compare.col.unreached_new": ("今年未覆盖（人）", "Out of reach now"),
    "compare.col.sites_opened": ("新增站点", "Opened"),
    "compare.col.sites_closed": ("撤销站点", "Closed"),
    "compare.col.funding_yuan_old": ("上年建议资金（元）", "Recommended last year"),
    "compare.col.funding_yuan_new": ("今年建议资金（元）", "Recommended this year"),
    "compare.col.site": ("站点/组织", "Site"),
    "compare.col.change": ("变化", "Change"),
    "compare.col.township": ("乡镇", "Township"),
    "compare.col.move_m": ("移动距离（米）", "Moved (m)"),
    "compare.site.opened": ("今年新增", "opened this year"),
    "compare.site.closed": ("今年已撤销", "closed since last year"),
    "compare.site.moved": ("位置变动", "moved"),
    "compare.site.opened_n": ("新增站点/组织（{n}）", "Opened ({n})"),
    "compare.site.closed_n": ("撤销站点/组织（{n}）", "Closed ({n})"),
    "compare.legend.title": ("覆盖率变化（百分点）", "Change of coverage (pp)"),
    "compare.legend.below": ("下降超过 {bound}", "below {bound}"),
    "compare.legend.above": ("提高超过 {bound}", "above {bound}"),
    "compare.legend.same": ("基本持平（±1）", "about the same (±1)"),
    "compare.legend.one_year": ("仅一个年度有 / 无服务对象", "one year only / no people"),
    "compare.legend.one_year_or_protected": (
        "仅一个年度有 / 无服务对象 / 不公开（小数字）",
        "one year only / no people / withheld (small counts)",
    ),
    "compare.tip.both": (
        "覆盖率 {old} → {new}（{change}）；新增站点 {opened}，撤销 {closed}",
        "coverage {old} → {new} ({change}); {opened} opened, {closed} closed",
    ),
    "compare.tip.old_only": ("仅上年数据有此乡镇（覆盖率 {old}）", "last year only ({old})"),
    "compare.tip.new_only": ("仅今年数据有此乡镇（覆盖率 {new}）", "this year only ({new})"),
    # the briefing deck
    "deck.prev": ("‹ 上一页", "‹ Previous"),
    "deck.next": ("下一页 ›", "Next ›"),
    "deck.keys": ("← → 键翻页", "← → keys turn the page"),
    "deck.groups": ("服务群体：{groups}", "Groups: {groups}"),
    "deck.groups_all": ("全部 {n} 类服务群体", "all {n} beneficiary groups"),
    "deck.s1.title": ("全区服务覆盖", "Service coverage in the district"),
    "deck.s2.title": ("覆盖最薄弱的乡镇", "Where it is worst"),
    "deck.s2.lead": (
        "未覆盖人数最多的 {n} 个乡镇",
        "The {n} townships with the most people out of reach",
    ),
    "deck.s2.withheld": (
        "另有 {n} 个乡镇的未覆盖人数不公开（可推算出小数字），未参与排名。",
        "{n} more townships keep their count out of reach private (it would give small counts "
        "away) and are not ranked.",
    ),
    "deck.s2.line": (
        "未覆盖 {unreached} 人 · 覆盖率 {coverage} · 服务对象 {people} 人",
        "{unreached} out of reach · coverage {coverage} · {people} people",
    ),
    "deck.s3.title": ("下一轮公益创投资金建议分配", "Recommended split of the next funding round"),
    "deck.s3.recommended": (
        "建议（下一轮）：共 {budget}",
        "Recommendation for the next round: {budget} in all",
    ),
    "deck.s3.actual": (
        "上一轮实际（{year}年）：共 {amount}",
        "Last round's actual ({year}): {amount}",
    ),
    "deck.s3.actual_any": ("上一轮实际：共 {amount}", "Last round's actual: {amount}"),
    "deck.s3.col.recommended": ("建议（下一轮）", "Recommended (next)"),
    "deck.s3.col.actual": ("上一轮实际", "Last round actual"),
    "deck.s3.basis": (
        "按各乡镇未覆盖人数（乘群体权重）分配；这是建议，不是已下达的资金。",
        "Split by the people out of reach in each township (times the group weights); a "
        "recommendation, not money already granted.",
    ),
    "deck.s4.title": ("与上年相比的变化", "What changed since last year"),
    "deck.s4.none": (
        "没有上一年度的数据，无法比较。",
        "There is no earlier year to compare with.",
    ),
    "deck.change_since": ("比上年 {change}", "{change} on last year"),
    "deck.count_since": ("比上年 {change}", "{change} on last year"),
    "deck.sites_since": ("新增 {opened} · 撤销 {closed}", "{opened} opened · {closed} closed"),
}


# --------------------------------------------------------------------------------------------
# Argument values that do not fit (geo.errors.OptionError)
# --------------------------------------------------------------------------------------------
_OPTIONS: dict[str, tuple[str, str]] = {
    "option.choice": (
        "{argument} 应为 {allowed} 之一，实际为 {got}",
        "`{argument}` must be one of {allowed}; got {got}.",
    ),
    "option.expected": (
        "{argument} 应为{expected}，实际为 {got}",
        "`{argument}` must be {expected}; got {got}.",
    ),
    "option.expected.valid": ("有效的值", "a valid value"),
    "option.expected.budget": (
        " 0 到 {most:,} 之间的整数（元）",
        "a whole number of yuan from 0 to {most:,}",
    ),
    "option.expected.non_negative": ("不小于 0 的数", "a number >= 0"),
    "option.expected.shared_groups": (
        "两个数据集共有的服务群体（它们没有共同的群体）",
        "groups both datasets have (they share none)",
    ),
    "option.expected.new_dataset": (
        "与 OLD 一起写出的新数据集（或两个都不写：对比数据仓库中最近两次发布的版本）",
        "the NEW dataset beside OLD (or neither: the store's last two published versions)",
    ),
    "option.expected.date": ("日期（YYYY-MM-DD）", "a date as YYYY-MM-DD"),
}


# --------------------------------------------------------------------------------------------
# Command line (python -m geo ...)
# --------------------------------------------------------------------------------------------
_CLI: dict[str, tuple[str, str]] = {
    "cli.valid": ("数据集有效：{path}", "Dataset is valid: {path}"),
    "cli.invalid": (
        "数据集无效：{path}（{errors} 个错误，{warnings} 个警告）",
        "Dataset is invalid: {path} ({errors} errors, {warnings} warnings)",
    ),
    "cli.error": ("错误：", "error: "),
    "cli.warning": ("警告：", "warning: "),
    "cli.col.township": ("乡镇", "Township"),
    "cli.col.organizations": ("组织", "Orgs"),
    "cli.col.stations": ("站点", "Stations"),
    "cli.col.people": ("服务对象", "People"),
    "cli.col.covered": ("已覆盖", "Covered"),
    "cli.col.coverage": ("覆盖率", "Coverage"),
    "cli.col.funding": ("建议资金(元)", "Funding"),
    "cli.col.score": ("得分", "Score"),
    "cli.col.rank": ("序号", "Rank"),
    "cli.col.candidate": ("候选点", "Candidate"),
    "cli.col.lon": ("经度", "Lon"),
    "cli.col.lat": ("纬度", "Lat"),
    "cli.col.gain": ("新增覆盖", "Gain"),
    "cli.total": ("合计", "Total"),
    "cli.unassigned_sites": ("不在任何乡镇内的站点/组织：", "Sites in no township: "),
    "cli.unassigned_demand": ("不在任何乡镇内的需求点：", "Demand points in no township: "),
    "cli.demo": ("示例数据：模拟生成，不是官方统计", "(simulated demo data, not official figures)"),
    "cli.bad_option": ("参数错误：{message}", "Invalid option: {message}"),
    "cli.internal": (
        "内部错误（不是数据的问题，请把这一行报告给维护者）：{error}",
        "internal error (not a problem with the data; please report this line): {error}",
    ),
    "cli.access_head": (
        "{group}：{method} 可达性得分（服务能力/人；无服务能力的站点按 1 计）",
        "{group}: {method} accessibility (capacity per person; missing = 1)",
    ),
    "cli.unreached": (
        "范围内没有站点的村居（得分 0）：{count} 个",
        "Villages with no site in reach (score 0): {count}",
    ),
    "cli.suggest_head": (
        "{group}：新增 {count} 个站点（服务半径 {radius:,.0f} 米）",
        "{group}: {count} new stations (radius {radius:,.0f} m)",
    ),
    "cli.before_after": (
        "覆盖人数：{before:,.0f} → {after:,.0f}（共 {demand:,.0f}；{quality}）",
        "Within reach: {before:,.0f} -> {after:,.0f} (of {demand:,.0f}; {quality})",
    ),
    "cli.optimal": ("已证明为最优解", "proven optimal"),
    "cli.bound": ("最优解不超过 {bound:,.0f}", "the optimum is at most {bound:,.0f}"),
    "cli.written": ("已写出：{path}", "Written: {path}"),
    "cli.cannot_write": ("无法写入 {path}：{error}", "Cannot write {path}: {error}"),
    # the version store (geo.io.store, python -m geo store)
    "store.added": (
        "已保存为版本 {id}：{label}（{dataset}，草稿；发布：store publish {id}）",
        "Saved as version {id}: {label} ({dataset}, a draft; publish: store publish {id})",
    ),
    "store.duplicate": (
        "内容与版本 {id}（{label}，{status}）完全相同，未重复保存",
        "Identical to version {id} ({label}, {status}); not saved again",
    ),
    "store.published": (
        "已发布版本 {id}：{label}（{dataset}）",
        "Published version {id}: {label} ({dataset})",
    ),
    "store.unchanged": (
        "版本 {id} 已是发布版本，未改变",
        "Version {id} is already the published one; nothing changed",
    ),
    "store.exported": ("版本 {id} 已导出到 {path}", "Version {id} exported to {path}"),
    "store.archived": (
        "版本 {id} 已归档（数据已删除，记录保留）",
        "Version {id} archived (its data removed, its record kept)",
    ),
    "store.empty": ("数据仓库中还没有版本：{where}", "The store has no versions yet: {where}"),
    "store.no_log": ("日志为空：{where}", "The log is empty: {where}"),
    "store.warnings": ("验证警告 {count} 条：", "{count} validation warnings:"),
    "store.col.id": ("编号", "ID"),
    "store.col.dataset": ("数据集", "Dataset"),
    "store.col.label": ("标签", "Label"),
    "store.col.status": ("状态", "Status"),
    "store.col.added_by": ("添加人", "Added by"),
    "store.col.added_at": ("添加时间", "Added at"),
    "store.col.note": ("说明", "Note"),
    "store.col.at": ("时间", "When"),
    "store.col.actor": ("操作人", "Who"),
    "store.col.action": ("操作", "Action"),
    "store.col.from": ("从", "From"),
    "store.col.to": ("到", "To"),
    "store.status.published": ("已发布", "published"),
    "store.status.draft": ("草稿", "draft"),
    "store.status.archived": ("已归档", "archived"),
    "store.action.add": ("添加", "add"),
    "store.action.publish": ("发布", "publish"),
    "store.action.rollback": ("回退", "roll back"),
    "store.action.archive": ("归档", "archive"),
    "store.error.not_store": (
        "{where} 不是本系统的数据仓库（{reason}）。请检查 --store / ATLAS_STORE 的设置。",
        "{where} is not an atlas store ({reason}). Check --store / ATLAS_STORE.",
    ),
    "store.error.newer": (
        "数据仓库 {where} 由更新的版本创建（结构版本 {revision}），本程序无法打开；请升级本程序。",
        "The store {where} was made by a newer release (schema {revision}); this release "
        "cannot open it. Please upgrade.",
    ),
    "store.error.unreachable": (
        "无法连接数据库 {where}：{reason}",
        "Cannot reach the database {where}: {reason}",
    ),
    "store.error.no_postgis": (
        "数据库 {where} 没有 PostGIS 扩展，且当前用户无权安装。"
        "请数据库管理员执行：CREATE EXTENSION postgis;",
        "The database {where} has no PostGIS extension and this user may not install it. Ask "
        "the database administrator to run: CREATE EXTENSION postgis;",
    ),
    "store.error.bad_url": (
        "无法识别的数据仓库地址：{where}（应为 sqlite:///文件 或 postgresql+psycopg://...）",
        "Unknown store address: {where} (expected sqlite:///FILE or postgresql+psycopg://...)",
    ),
    "store.error.no_version": ("数据仓库中没有版本 {id}", "The store has no version {id}"),
    "store.error.archived": (
        "版本 {id} 已归档，其数据已不在仓库中",
        "Version {id} is archived; its data is no longer in the store",
    ),
    "store.error.no_published": (
        "数据仓库中还没有已发布的版本{dataset}",
        "The store has no published version{dataset} yet",
    ),
    "store.error.nothing_before": (
        "版本 {id}（{label}）之前没有发布过其他版本，无从对比；请写出两个数据集：compare 旧 新",
        "No version was published before version {id} ({label}), so there is nothing to "
        "compare it with; name both datasets: compare OLD NEW",
    ),
    "store.error.which_dataset": (
        "仓库中有多个数据集（{names}），请写 store:published:名称",
        "The store holds several datasets ({names}); write store:published:NAME",
    ),
    "store.error.bad_reference": (
        "无法识别的仓库引用 {ref}：应为 store:published、store:published:名称 或 store:版本号",
        "Unknown store reference {ref}: expected store:published, store:published:NAME or store:ID",
    ),
    "store.error.archive_published": (
        "版本 {id} 正在发布中，不能归档；请先发布另一个版本",
        "Version {id} is the published one and cannot be archived; publish another first",
    ),
    "store.error.export_exists": (
        "输出文件夹 {path} 已存在且不为空，未覆盖",
        "The output folder {path} exists and is not empty; nothing was overwritten",
    ),
    "store.error.conflict": (
        "发布未完成：在此期间 {by} 已于 {at} 发布了版本 {current}（{dataset}）。"
        "请查看后再决定是否发布。",
        "Not published: meanwhile {by} published version {current} of {dataset} at {at}. "
        "Look at it before publishing again.",
    ),
    "store.error.busy": (
        "数据仓库正忙（另一个操作尚未完成），请稍后再试：{reason}",
        "The store is busy (another change is under way); try again shortly: {reason}",
    ),
    "store.error.write_failed": (
        "写入数据仓库失败，未保存任何内容（已发布的版本不受影响）：{reason}",
        "Writing to the store failed and nothing was saved (the published version is "
        "untouched): {reason}",
    ),
    "store.error.bad_role": (
        "无法识别的角色 {role}：应为 {roles} 之一",
        "Unknown role {role}: expected one of {roles}",
    ),
    "store.error.bad_user_name": (
        "用户名不能为空，不超过 {max} 个字符，且不能含控制字符",
        "A user name must not be empty, be at most {max} characters and hold no control characters",
    ),
    "store.error.short_password": (
        "密码太短：至少需要 {n} 个字符",
        "The password is too short: at least {n} characters are needed",
    ),
    "store.error.user_exists": ("用户 {name} 已存在", "The user {name} exists already"),
    "store.error.no_user": ("没有用户 {name}", "There is no user {name}"),
    "store.error.login_failed": (
        "用户名或密码错误，或账户已停用",
        "Wrong user name or password, or the account is disabled",
    ),
    "store.error.login_locked": (
        "连续登录失败，账户已锁定，请 {minutes} 分钟后再试，或请管理员重设密码",
        "Too many failed logins in a row: the account is locked; try again in {minutes} min, "
        "or ask an administrator to reset the password",
    ),
    "store.error.password_mismatch": (
        "两次输入的密码不一致，未作任何更改",
        "The two passwords differ; nothing was changed",
    ),
    "store.error.no_password": (
        "未读到密码：请在提示时输入，或从标准输入提供一行",
        "No password was read: type it at the prompt, or give one line on standard input",
    ),
    "store.error.own_account": (
        "不能在此更改或停用自己的账户（以免没有管理员）；"
        "请另一位管理员操作，或在服务器上用 geo users",
        "You cannot change or disable your own account here (there might be no admin left); "
        "ask another admin, or use geo users on the server",
    ),
    "store.error.forbidden": (
        "无权执行此操作：需要 {needed} 或更高的角色（当前：{role}）",
        "Not allowed: this needs the role {needed} or higher (yours: {role})",
    ),
    "store.action.user_add": ("添加用户", "add user"),
    "store.action.user_role": ("更改角色", "change role"),
    "store.action.user_disable": ("停用用户", "disable user"),
    "store.action.user_enable": ("启用用户", "enable user"),
    "store.action.user_password": ("重设密码", "reset password"),
    "store.action.login": ("登录", "log in"),
    "store.action.login_failed": ("登录失败", "failed login"),
    "store.action.logout": ("退出登录", "log out"),
    "store.col.subject": ("对象", "Subject"),
    "store.login_reason.unknown": ("无此用户", "no such user"),
    "store.login_reason.password": ("密码错误", "wrong password"),
    "store.login_reason.disabled": ("账户已停用", "account disabled"),
    "store.login_reason.locked": ("账户等待或锁定中", "account waiting or locked"),
    "users.added": ("已添加用户 {name}（{role}）", "Added the user {name} ({role})"),
    "users.role_set": ("用户 {name} 的角色已改为 {role}", "{name} now has the role {role}"),
    "users.disabled": (
        "用户 {name} 已停用（记录保留，不能再登录）",
        "{name} is disabled (kept in the log; can no longer log in)",
    ),
    "users.enabled": ("用户 {name} 已重新启用", "{name} is enabled again"),
    "users.password_set": ("用户 {name} 的密码已重设", "The password of {name} was reset"),
    "users.prompt": ("{name} 的密码：", "Password for {name}: "),
    "users.prompt_again": ("再输入一次：", "Once more: "),
    "users.none": (
        "还没有用户：{where}（仪表盘对所有人开放）",
        "No users yet: {where} (the dashboard is open to everyone)",
    ),
    "users.col.name": ("用户名", "Name"),
    "users.col.role": ("角色", "Role"),
    "users.col.status": ("状态", "Status"),
    "users.col.last_login": ("上次登录", "Last login"),
    "users.col.created_at": ("创建时间", "Created"),
    "users.status.active": ("正常", "active"),
    "users.status.disabled": ("已停用", "disabled"),
    "users.status.locked": ("已锁定", "locked"),
    "users.status.sso": ("单点登录", "single sign-on"),
    "role.viewer": ("查看者", "viewer"),
    "role.planner": ("规划人员", "planner"),
    "role.admin": ("管理员", "admin"),
    "cli.compare.head": ("{old} → {new}", "{old} -> {new}"),
    "cli.compare.groups": ("对比的服务群体：{groups}", "Groups compared: {groups}"),
    "cli.compare.left_out.old_only": (
        "只有旧数据集有、未对比的服务群体：{groups}",
        "Groups only the old dataset has (not compared): {groups}",
    ),
    "cli.compare.left_out.new_only": (
        "只有新数据集有、未对比的服务群体：{groups}",
        "Groups only the new dataset has (not compared): {groups}",
    ),
    "cli.col.compare.township": ("乡镇", "Township"),
    "cli.col.compare.status": ("状态", "Status"),
    "cli.col.compare.coverage_old": ("覆盖率(旧)", "Cov. old"),
    "cli.col.compare.coverage_new": ("覆盖率(新)", "Cov. new"),
    "cli.col.compare.change": ("变化(百分点)", "Change (pp)"),
    "cli.col.compare.opened": ("新增站点", "Opened"),
    "cli.col.compare.closed": ("撤销站点", "Closed"),
    "cli.col.compare.funding_old": ("建议资金(旧)", "Funding old"),
    "cli.col.compare.funding_new": ("建议资金(新)", "Funding new"),
    "cli.compare.status.both": ("两年都有", "both"),
    "cli.compare.status.old_only": ("仅旧数据", "old only"),
    "cli.compare.status.new_only": ("仅新数据", "new only"),
    "cli.compare.opened": ("新增站点/组织：", "Sites opened: "),
    "cli.compare.closed": ("撤销站点/组织：", "Sites closed: "),
    "cli.compare.moved": ("位置变动超过 50 米：", "Sites moved more than 50 m: "),
}


# --------------------------------------------------------------------------------------------
# Problems in input data (geo.errors.Problem.code -> geo.text.messages.render_problem)
# --------------------------------------------------------------------------------------------
_PROBLEMS: dict[str, tuple[str, str]] = {
    # the folder and its files
    "problem.folder_missing": ("找不到数据集文件夹。", "the dataset folder does not exist."),
    "problem.not_a_folder": (
        "不是文件夹；数据集应是一个包含 dataset.toml 和各图层文件的文件夹。",
        "is not a folder; a dataset is a folder holding dataset.toml and the layer files.",
    ),
    "problem.file_missing": (
        "缺少必需的文件，应为 {expected} 之一（文件名须按此用英文命名）。",
        "required file missing; expected one of {expected} (named exactly so).",
    ),
    "problem.config_missing": (
        "缺少数据集说明文件（其中定义坐标系和服务群体）。",
        "the dataset description is missing (it defines the datum and the groups).",
    ),
    "problem.file_unsupported": (
        "文件格式不受支持，请另存为 {expected} 之一。",
        "this file format is not supported; save it as one of {expected}.",
    ),
    "problem.file_ambiguous": (
        "同一图层有多个文件：{files}；请只保留一个。",
        "several files for the same layer: {files}; keep only one.",
    ),
    "problem.duplicate_across_files": (
        "编号“{id}”的这一行与 {other_file} 第 {other_row} 行完全相同，只保留一条。",
        "id '{id}' repeats {other_file} row {other_row} exactly; it is kept once.",
    ),
    "problem.conflict_across_files": (
        "编号“{id}”也出现在 {other_file} 第 {other_row} 行，但内容不同（{columns}）；"
        "请核对后只保留正确的一条。",
        "id '{id}' is also in {other_file} row {other_row}, with other values ({columns}); "
        "keep only the right one.",
    ),
    "problem.file_unreadable": ("无法读取文件：{reason}。", "the file cannot be read: {reason}."),
    "problem.file_empty": ("文件是空的。", "the file is empty."),
    "problem.file_binary": (
        "不是文本表格（内容是二进制数据），请另存为 CSV 或 XLSX。",
        "is not a text table (it holds binary data); save it as CSV or XLSX.",
    ),
    "problem.file_format_mismatch": (
        "文件内容是 {found} 格式，与扩展名不符；请另存为 {expected}。",
        "the file holds {found} data, which does not match its extension; save it as {expected}.",
    ),
    "problem.file_encoding": (
        "无法识别文字编码（已尝试 UTF-8 和 GB18030），请以 UTF-8 编码重新保存。",
        "unknown text encoding (tried UTF-8 and GB18030); save it again in UTF-8.",
    ),
    "problem.csv_malformed": ("无法按 CSV 解析：{reason}。", "cannot be parsed as CSV: {reason}."),
    "problem.csv_unclosed_quote": (
        "这一格以英文双引号开头，但引号没有结束，下面各行都被并进了这一格；"
        "请删除这个引号或补上结束的引号。",
        "this cell opens a double quote that is never closed, so the rows below were swallowed "
        "into it; remove the quote or close it.",
    ),
    "problem.xlsx_invalid": (
        "不是有效的 XLSX 工作簿，可能已损坏或没有复制完整（{reason}）；请用 Excel "
        "打开后重新另存为 .xlsx。",
        "is not a valid XLSX workbook; it may be damaged or incompletely copied ({reason}); "
        "open it in Excel and save it again as .xlsx.",
    ),
    "problem.zip_invalid": (
        "不是有效的 ZIP 压缩包（可能不完整或已损坏），请重新压缩。",
        "is not a valid zip archive (it may be incomplete or damaged); zip the files again.",
    ),
    "problem.shapefile_incomplete": (
        "压缩包中缺少 Shapefile 的 {missing} 文件；请把同名的 .shp、.shx、.dbf 和 .prj "
        "文件一起压缩。",
        "the zip archive lacks the shapefile's {missing}; zip the .shp, .shx, .dbf and .prj "
        "files of the same name together.",
    ),
    "problem.no_geometry": (
        "没有几何图形（只有属性表），无法确定位置。",
        "holds no geometry (only an attribute table), so nothing can be located.",
    ),
    "problem.json_invalid": (
        "JSON 格式错误，位于第 {line} 行第 {col} 个字符（{reason}）；文件可能不完整。",
        "invalid JSON at line {line}, character {col} ({reason}); the file may be truncated.",
    ),
    "problem.geojson_invalid": (
        "JSON 格式正确，但不是 GeoJSON 要素集合（FeatureCollection）。",
        "is valid JSON but not a GeoJSON FeatureCollection.",
    ),
    "problem.layer_unreadable": (
        "无法读取空间数据：{reason}。",
        "cannot be read as spatial data: {reason}.",
    ),
    "problem.layer_ambiguous": (
        "包含多个图层（{found}），请把要使用的图层命名为“{expected}”。",
        "holds several layers ({found}); name the one to use '{expected}'.",
    ),
    "problem.no_rows": ("没有任何数据行。", "has no data rows."),
    "problem.extra_cells": (
        "该行有 {found} 个单元格，比表头的 {expected} 列多。",
        "this row has {found} cells, more than the {expected} columns of the header.",
    ),
    # limits of the read path (geo/io/limits.py) and what else hostile files hold
    "problem.zip_member_damaged": (
        "ZIP 压缩包中的“{member}”已损坏，或实际内容与压缩包记录的大小不符；请重新压缩。",
        "the zip member '{member}' is damaged, or holds more than the archive says it does; "
        "zip the files again.",
    ),
    "problem.file_too_big": (
        "文件有 {found}，超过上限 {limit}；请只保留本数据集需要的行和列。",
        "the file is {found}, over the limit of {limit}; keep only the rows and columns "
        "this dataset needs.",
    ),
    "problem.zip_member_too_big": (
        "压缩包中的“{member}”解压后有 {found}，超过单个文件的上限 {limit}。",
        "the member '{member}' unpacks to {found}, over the limit of {limit} per file.",
    ),
    "problem.zip_too_big": (
        "压缩包解压后共有 {found}，超过上限 {limit}。",
        "the archive unpacks to {found} in all, over the limit of {limit}.",
    ),
    "problem.zip_ratio": (
        "压缩包中的“{member}”压缩比为 {found}，超过上限 {limit}（疑似“压缩炸弹”）。",
        "the member '{member}' is compressed {found}, beyond the limit of {limit} "
        "(it looks like a zip bomb).",
    ),
    "problem.zip_too_many": (
        "压缩包中有 {found} 个文件，超过上限 {limit} 个。",
        "the archive holds {found} members, over the limit of {limit}.",
    ),
    "problem.zip_name_too_long": (
        "压缩包中的文件名“{member}”有 {found} 字节，超过上限 {limit} 字节。",
        "the member name '{member}' is {found} bytes long, over the limit of {limit}.",
    ),
    "problem.zip_path_conflict": (
        "压缩包中的“{member}”既是文件又是文件夹，无法解压；请重新压缩。",
        "'{member}' is both a file and a folder in the archive; zip the files again.",
    ),
    "problem.short_row": (
        "该行只有 {found} 个单元格，比表头的 {expected} 列少；"
        "可能少了一个分隔符（逗号），后面各格会错位，请补齐。",
        "this row has {found} cells, fewer than the {expected} columns of the header; a "
        "delimiter (comma) may be missing, which shifts the later cells; complete the row.",
    ),
    "problem.geometry_not_finite": (
        "边界坐标中有非数字（NaN 或无穷大），无法使用。",
        "the boundary has a coordinate that is not a number (NaN or infinity).",
    ),
    "problem.crs_mismatch": (
        "文件声明的坐标系是 {crs}（单位为米），但坐标都在经纬度范围内；"
        "所有点都会落在乡镇之外。请删除或更正 .prj 等坐标系说明，或导出为 EPSG:4326。",
        "the file declares {crs} (metres) but every coordinate looks like lon/lat degrees, "
        "which would put every point outside every township; fix or remove the declared "
        "CRS (.prj), or export in EPSG:4326.",
    ),
    # dataset.toml
    "problem.toml_invalid": (
        "TOML 语法错误（{reason}）。请检查这一行：文字要用英文双引号括起来，数字不能带单位或中文。",
        "TOML syntax error: {reason}.",
    ),
    "problem.missing_key": ("缺少必填项。", "this required setting is missing."),
    "problem.unknown_datum": (
        "坐标系“{found}”不受支持，应为 {expected} 之一（wgs84：GPS；cgcs2000：国家 2000 "
        "坐标系；gcj02：高德、腾讯地图；bd09：百度地图）。",
        "coordinate datum '{found}' is not supported; expected one of {expected} (wgs84: GPS; "
        "cgcs2000: China Geodetic 2000; gcj02: AMap/Tencent maps; bd09: Baidu maps).",
    ),
    "problem.no_groups": (
        "至少需要定义一个 [[groups]] 服务群体。",
        "at least one [[groups]] beneficiary group must be defined.",
    ),
    "problem.duplicate_group": (
        "“{value}”在多个 [[groups]] 中出现。",
        "'{value}' appears in more than one [[groups]] table.",
    ),
    # columns and cells
    "problem.missing_column": (
        "缺少必需的列“{alias}”（也可写作“{name}”）。",
        "required column '{name}' (or '{alias}') is missing.",
    ),
    "problem.duplicate_column": (
        "列 {found} 都表示“{name}”，请只保留一列。",
        "columns {found} all mean '{name}'; keep only one.",
    ),
    "problem.column_empty": (
        "整列都是空的，每一行都要填写。",
        "the whole column is empty; every row needs a value.",
    ),
    "problem.empty_value": ("不能为空。", "must not be empty."),
    "problem.bad_value": (
        "应为{expected}，实际为“{found}”。",
        "expected {expected}, found '{found}'.",
    ),
    "problem.duplicate_value": (
        "“{value}”重复，第 {first} {unit}已经用过。",
        "'{value}' is repeated; it is already used in {unit} {first}.",
    ),
    "problem.lat_lon_swapped": (
        "经纬度可能颠倒：经度为 {lon}，纬度为 {lat}（中国境内经度约 73～136，纬度约 3～54）。",
        "latitude and longitude look swapped: lon {lon}, lat {lat} (in China longitudes are "
        "about 73 to 136 and latitudes 3 to 54).",
    ),
    "problem.coordinates_missing": (
        "缺少坐标，经度和纬度都要填写。",
        "coordinates are missing; fill in both lon and lat.",
    ),
    "problem.unknown_group": (
        "未知的服务群体“{found}”；dataset.toml 中定义的群体有：{known}。",
        "unknown group '{found}'; the groups defined in dataset.toml are: {known}.",
    ),
    "problem.unknown_township": (
        "未知的乡镇“{found}”；应为 {townships_file} 中某个乡镇的代码或名称。",
        "unknown township '{found}'; expected the code or name of a township in {townships_file}.",
    ),
    "problem.township_required": (
        "该行没有经纬度，必须填写所属乡镇。",
        "this row has no lon/lat, so its township must be given.",
    ),
    "problem.township_mismatch": (
        "点位于“{found}”境内，与所填乡镇“{given}”不一致（距“{given}”边界 {distance} 米）；"
        "以点的位置为准，请核对坐标或所填乡镇。",
        "the point lies in '{found}', not in the township given ('{given}'), {distance} m "
        "from its border; the location decides: check the coordinates or the township.",
    ),
    "problem.stated_township_unknown": (
        "所填乡镇“{given}”不在 {townships_file} 中；以点的位置（{found}）为准。",
        "the township given ('{given}') is not in {townships_file}; the location decides "
        "({found}).",
    ),
    "problem.outside_townships": (
        "{count} 个点不在任何乡镇边界内，不计入任何乡镇：{ids}。",
        "{count} point(s) outside every township, not counted in any township: {ids}.",
    ),
    # geometry
    "problem.geometry_missing": ("没有几何图形。", "has no geometry."),
    "problem.geometry_type": (
        "几何类型为 {found}，应为{expected}。",
        "geometry type is {found}; expected {expected}.",
    ),
    "problem.geometry_out_of_range": (
        "坐标超出经纬度的范围（{found}）；文件可能用的是投影坐标（单位为米）却没有说明坐标系（"
        "缺少 .prj），请导出为经纬度坐标。",
        "coordinates beyond any longitude or latitude ({found}); the file may hold projected "
        "coordinates (metres) without saying so (no .prj); export it in lon/lat.",
    ),
    "problem.geometry_repaired": (
        "乡镇“{name}”的边界无效（{reason}），已自动修复。",
        "the boundary of township '{name}' was invalid ({reason}) and has been repaired.",
    ),
    "problem.geometry_unusable": (
        "乡镇“{name}”的边界没有面积，无法使用。",
        "the boundary of township '{name}' has no area and cannot be used.",
    ),
    "problem.more_problems": (
        "另有 {count} 处同类问题未逐条列出。",
        "{count} more problems of the same kind are not listed.",
    ),
}

# What a cell should hold (Problem.params['expected']); zh entries that start with Latin text
# carry their own leading space: "应为 -180 ..."
_EXPECTED: dict[str, tuple[str, str]] = {
    "expected.number": ("数字", "a number"),
    "expected.lon": (" -180 到 180 之间的数字", "a number between -180 and 180"),
    "expected.lat": (" -90 到 90 之间的数字", "a number between -90 and 90"),
    "expected.count": ("非负整数", "a non-negative whole number"),
    # radii, the one kind of value that must be positive: at most geo.io.config.MAX_RADIUS_M
    "expected.positive": ("大于 0、不超过 100000 的米数", "metres, more than 0 and at most 100000"),
    "expected.non_negative": ("不小于 0 的数字", "a number not below 0"),
    "expected.weight": (" 0 到 1000 之间的数字", "a number from 0 to 1000"),
    "expected.yuan": (" 0 到 1 万亿之间的元数", "yuan, from 0 to 10^12"),
    "expected.year": ("四位数的年份", "a four-digit year"),
    "expected.bool": (" true 或 false", "true or false"),
    "expected.text": ("文字", "text"),
    "expected.table": (
        " [privacy] 表（如 min_count = 5）",
        "a [privacy] table (e.g. min_count = 5)",
    ),
    "expected.min_count": ("不小于 2 的整数（如 5）", "a whole number of at least 2 (e.g. 5)"),
    "expected.table_list": (" [[groups]] 表", "[[groups]] tables"),
    "expected.kind": (
        " organization（组织）或 station（站点）",
        "organization (组织) or station (站点)",
    ),
    "expected.inspected": ("是/否（yes/no）", "yes or no (是/否)"),
    "expected.point": ("点", "a point"),
    "expected.polygon": ("面（Polygon/MultiPolygon）", "a polygon (Polygon/MultiPolygon)"),
}


def _build_catalog(*sections: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    catalog: dict[str, dict[str, str]] = {}
    for section in sections:
        duplicated = set(catalog) & set(section)
        if duplicated:
            msg = f"keys defined twice in the catalog: {sorted(duplicated)}"
            raise ValueError(msg)
        catalog.update(
            {key: dict(zip(LANGS, texts, strict=True)) for key, texts in section.items()}
        )
    return catalog


CATALOG: Final[dict[str, dict[str, str]]] = _build_catalog(
    _DASHBOARD, _VERSIONS, _EXPORTS, _SITING, _OPTIONS, _CLI, _PROBLEMS, _EXPECTED, _COMPARE, _SSO
)


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    key
        A catalog key such as ``"page.overview"``.
    lang
        ``"zh"`` (default) or ``"en"``.
    **values
        Values for the placeholders in the text.

    Raises
    ------
    KeyError
        For an unknown key or a placeholder without a value.
    ValueError
        For a language other than ``"zh"`` or ``"en"``.

    Examples
    --------
    >>> t("kpi.projects", "zh", n=6)
    '6个项目'
    """
    _check_lang(lang)
    try:
        text = CATALOG[key][lang]
    except KeyError:
        msg = f"no text for key {key!r} in the catalog"
        raise KeyError(msg) from None
    return text.format(**values)


def _check_lang(lang: str) -> None:
    check_choice("lang", lang, LANGS)


def display_width(text: str) -> int:
    """Width of ``text`` in half-width columns: a wide or full-width character counts 2.

    This is how a terminal, a spreadsheet column and a monospaced page lay out mixed
    Chinese and Latin text.

    >>> display_width("乡镇 A1")
    7
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _trim(text: str) -> str:
    """'1.50' -> '1.5', '30.00' -> '30'."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_number(value: float | None, *, decimals: int = 0) -> str:
    """``value`` with thousands separators and ``decimals`` decimals; a dash when missing.

    >>> format_number(1234567.891, decimals=1)
    '1,234,567.9'
    """
    if value is None or _is_nan(value):
        return MISSING
    return f"{float(value):,.{decimals}f}"


def format_count(value: float | None, lang: str = "zh") -> str:
    """A count of people or things, rounded to a whole number.

    In Chinese, counts of 10,000 and more are written with 万 (and 亿 from 100 million) with up to
    two decimals; smaller counts with thousands separators. In English, thousands separators.

    >>> format_count(27000)
    '2.7万'
    >>> format_count(9876)
    '9,876'
    >>> format_count(27000, "en")
    '27,000'
    """
    _check_lang(lang)
    if value is None or _is_nan(value):
        return MISSING
    number = round(float(value))
    if lang == "zh" and abs(number) >= 100_000_000:
        return _trim(f"{number / 100_000_000:.2f}") + "亿"
    if lang == "zh" and abs(number) >= 10_000:
        return _trim(f"{number / 10_000:.2f}") + "万"
    return f"{number:,d}"


def format_percent(ratio: float | None, *, decimals: int = 1) -> str:
    """A ratio (0.667) as a percentage with one decimal ('66.7%'); a dash when missing.

    >>> format_percent(0.6667)
    '66.7%'
    """
    if ratio is None or _is_nan(ratio):
        return MISSING
    return f"{float(ratio) * 100:.{decimals}f}%"


def format_yuan(value: float | None, lang: str = "zh") -> str:
    """An amount of money: '30万元' / '5,000元' in Chinese, '¥300,000' in English.

    >>> format_yuan(300000)
    '30万元'
    >>> format_yuan(300000, "en")
    '¥300,000'
    """
    _check_lang(lang)
    if value is None or _is_nan(value):
        return MISSING
    if lang == "en":
        return f"¥{round(float(value)):,d}"
    return format_count(value, "zh") + "元"


def axis_ticks(top: float, lang: str = "zh", *, count: int = 5) -> tuple[list[float], list[str]]:
    """Round tick values from 0 to at least ``top`` and their labels as counts in ``lang``.

    A chart axis in yuan or people then reads "5万" in Chinese (not "50k") and "50,000" in
    English. The step is 1, 2 or 5 times a power of ten, giving about ``count`` intervals.

    >>> axis_ticks(55_500)
    ([0.0, 20000.0, 40000.0, 60000.0], ['0', '2万', '4万', '6万'])
    >>> axis_ticks(798, "en")[1]
    ['0', '200', '400', '600', '800']
    """
    if not top > 0 or not math.isfinite(top):
        return [0.0], ["0"]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    values = [float(round(i * step, 9)) for i in range(math.ceil(top / step - 1e-9) + 1)]
    return values, [format_count(v, lang) for v in values]


def format_score(value: float | None) -> str:
    """An accessibility score for reading: three significant digits, at most six decimals.

    '0.0125', '0.633', '1.68', '12.5', '1,234'; a dash when missing.

    >>> format_score(0.63289)
    '0.633'
    >>> format_score(0)
    '0'
    """
    if value is None or not math.isfinite(value):
        return MISSING
    if value == 0:
        return "0"
    decimals = min(max(2 - math.floor(math.log10(abs(value))), 0), 6)
    text = format_number(value, decimals=decimals)
    return text.rstrip("0").rstrip(".") if "." in text else text
